// The HTTP fuzz's malformed requests, written as they are: broken request lines, heads and methods, and a
// few odd but well-formed ones (OPTIONS *, absolute-form, HTTP/1.0, TRACE, HEAD).

/** Bytes written as they are (malformed request lines and heads). */
export interface RawTemplate {
  kind: 'raw';
  label: string;
  text: string;
  wellFormed: boolean;
}

export const RAW_SPECIALS: readonly RawTemplate[] = [
  { kind: 'raw', label: 'garbage request line', text: 'GARBAGE\r\n\r\n', wellFormed: false },
  { kind: 'raw', label: 'HTTP/9.9', text: 'GET /healthz HTTP/9.9\r\nHost: h\r\n\r\n', wellFormed: false },
  { kind: 'raw', label: 'HTTP/0.9', text: 'GET /healthz\r\n\r\n', wellFormed: false },
  {
    kind: 'raw',
    label: 'TLS hello',
    text: '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
    wellFormed: false,
  },
  { kind: 'raw', label: 'HTTP/2 preface', text: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', wellFormed: false },
  {
    kind: 'raw',
    label: 'lower-case method',
    text: 'get /healthz HTTP/1.1\r\nHost: h\r\n\r\n',
    wellFormed: false,
  },
  {
    kind: 'raw',
    label: 'unknown method',
    text: 'BREW /healthz HTTP/1.1\r\nHost: h\r\n\r\n',
    wellFormed: false,
  },
  {
    kind: 'raw',
    label: 'header without colon',
    text: 'GET /healthz HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n',
    wellFormed: false,
  },
  {
    kind: 'raw',
    label: 'obs-fold',
    text: 'GET /me HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer\r\n x\r\n\r\n',
    wellFormed: false,
  },
  { kind: 'raw', label: 'bare LF', text: 'GET /healthz HTTP/1.1\nHost: h\n\n', wellFormed: false },
  {
    kind: 'raw',
    label: 'NUL in header',
    text: 'GET /me HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer a\u0000b\r\n\r\n',
    wellFormed: false,
  },
  { kind: 'raw', label: 'no Host', text: 'GET /healthz HTTP/1.1\r\n\r\n', wellFormed: false },
  {
    kind: 'raw',
    label: 'two Hosts',
    text: 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    wellFormed: false,
  },
  {
    kind: 'raw',
    label: 'long URL',
    text: `GET /${'u'.repeat(100_000)} HTTP/1.1\r\nHost: h\r\n\r\n`,
    wellFormed: false,
  },
  {
    kind: 'raw',
    label: 'head never ends',
    text: 'POST /auth/login HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n',
    wellFormed: false,
  },
  {
    kind: 'raw',
    label: 'CONNECT',
    text: 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n',
    wellFormed: false,
  },
  { kind: 'raw', label: 'OPTIONS *', text: 'OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n', wellFormed: true },
  {
    kind: 'raw',
    label: 'absolute-form target',
    text: 'GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: h\r\n\r\n',
    wellFormed: true,
  },
  {
    kind: 'raw',
    label: 'HTTP/1.0 login',
    text: 'POST /auth/login HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    wellFormed: true,
  },
  {
    kind: 'raw',
    label: 'TRACE',
    text: 'TRACE /me HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer {{access:0}}\r\n\r\n',
    wellFormed: true,
  },
  {
    kind: 'raw',
    label: 'HEAD /me',
    text: 'HEAD /me HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer {{access:0}}\r\n\r\n',
    wellFormed: true,
  },
];
