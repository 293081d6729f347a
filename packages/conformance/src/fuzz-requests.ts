// The HTTP fuzz's generator: connections of one to four requests to a demo, as bytes — the contract's routes
// with real and broken credentials, bodies of every kind, and broken framing (chunked junk, bad or doubled
// Content-Length, oversized headers, malformed request lines). Plans are made from a seeded random source
// with placeholders for credentials (`{{refresh:1}}`), filled in from the pools when the connection opens.
import { secret } from './client.js';
import type { Random } from './fuzz-random.js';
import type { WireRequest } from './fuzz-wire.js';

export type PoolName =
  | 'access'
  | 'refresh'
  | 'session'
  | 'device'
  | 'apiKey'
  | 'apiKeyId'
  | 'email'
  | 'password';
export type Pools = Record<PoolName, string[]>;

const PLACEHOLDER = /\{\{([a-zA-Z]+):(\d+)(~)?\}\}/g;

/** Fills placeholders from the pools (`~`: the value with one character changed). */
export function fill(pools: Pools, text: string): string {
  return text.replace(PLACEHOLDER, (_m, pool: string, n: string, mutate?: string) => {
    const values = pools[pool as PoolName] ?? [];
    if (values.length === 0) return `no-${pool}`;
    const value = values[Number(n) % values.length]!;
    if (mutate === undefined || value.length === 0) return value;
    const i = Number(n) % value.length;
    return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
  });
}

const LIMIT = 16 * 1024;

/** A request before its credentials are filled in and its framing is written. */
interface HttpTemplate {
  kind: 'http';
  method: string;
  target: string;
  headers: [string, string][];
  body: string | Buffer | undefined;
  framing: Framing;
}

/** Bytes written as they are (malformed request lines and heads). */
interface RawTemplate {
  kind: 'raw';
  label: string;
  text: string;
  wellFormed: boolean;
}

type Template = HttpTemplate | RawTemplate;

type Framing =
  | 'length'
  | 'chunked'
  | 'expect-continue'
  | 'chunked-junk'
  | 'length-short'
  | 'length-long'
  | 'length-twice'
  | 'length-junk'
  | 'chunked-and-length';

const WELL_FORMED_FRAMINGS = new Set<Framing>(['length', 'chunked', 'expect-continue']);

export interface ConnectionPlan {
  templates: Template[];
  /** Seeds the choices made when the bytes are written (chunk sizes, wrong lengths). */
  seed: number;
  pipeline: boolean;
  endAfterWrite: boolean;
}

interface RouteTemplate {
  method: string;
  path: string;
  body: (r: Random) => string | undefined;
}

/** A password the fuzzer makes up, remembered as a secret: the app must never log it. */
const madeUpPassword = (r: Random) =>
  secret(`fuzz-pw-${r.int(0, 1e9).toString(36)}-${r.int(0, 1e9).toString(36)}`);

const email = (r: Random) =>
  r.weighted<() => string>([
    [4, () => `{{email:${r.int(0, 3)}}}`],
    [1, () => `fuzz-${r.int(0, 50)}@example.com`],
    [1, () => junkText(r)],
  ])();

const poolRef = (r: Random, pool: PoolName) => `{{${pool}:${r.int(0, 4)}${r.chance(0.15) ? '~' : ''}}}`;

const json = (value: unknown) => JSON.stringify(value);

const ROUTES: RouteTemplate[] = [
  { method: 'GET', path: '/healthz', body: () => undefined },
  { method: 'GET', path: '/.well-known/jwks.json', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/register',
    body: (r) => json({ email: email(r), password: r.chance(0.5) ? madeUpPassword(r) : 'short' }),
  },
  {
    method: 'POST',
    path: '/auth/login',
    // Index 0 of both pools is the fuzz user and its password, so that some logins succeed and go deep.
    body: (r) => {
      const n = r.chance(0.5) ? 0 : r.int(0, 3);
      return json({
        email: `{{email:${n}}}`,
        password: r.chance(0.7) ? `{{password:${n}}}` : madeUpPassword(r),
      });
    },
  },
  {
    method: 'POST',
    path: '/auth/refresh',
    body: (r) => (r.chance(0.5) ? json({ refresh_token: poolRef(r, 'refresh') }) : undefined),
  },
  { method: 'POST', path: '/auth/logout', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/session',
    body: (r) =>
      json({ email: '{{email:0}}', password: r.chance(0.7) ? '{{password:0}}' : madeUpPassword(r) }),
  },
  { method: 'DELETE', path: '/auth/session', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/password/change',
    // Never the real current password: the fuzz must not lock its own user out of the final check.
    body: (r) => json({ current_password: madeUpPassword(r), new_password: madeUpPassword(r) }),
  },
  { method: 'POST', path: '/auth/verify-email', body: (r) => json({ token: junkToken(r) }) },
  { method: 'POST', path: '/auth/verify-email/resend', body: () => undefined },
  { method: 'POST', path: '/auth/password/forgot', body: (r) => json({ email: email(r) }) },
  {
    method: 'POST',
    path: '/auth/password/reset',
    body: (r) => json({ token: junkToken(r), password: madeUpPassword(r) }),
  },
  { method: 'POST', path: '/admin/keys/rotate', body: () => undefined },
  {
    method: 'POST',
    path: '/api-keys',
    body: (r) =>
      json({
        name: r.pick(['fuzz key', '', 'x'.repeat(300), '\u0000']),
        scopes: r.pick([
          ['reports:read'],
          ['reports:write', 'reports:read'],
          ['admin:all'],
          [],
          'reports:read',
          null,
        ]),
        ...(r.chance(0.5) ? { expires_in: r.pick([60, 0, -1, 1e308, 3600.5, '60', null]) } : {}),
      }),
  },
  { method: 'GET', path: '/api-keys', body: () => undefined },
  {
    method: 'POST',
    path: '/api-keys/{{apiKeyId:0}}/roll',
    body: (r) => (r.chance(0.5) ? json({ grace_seconds: r.pick([0, 60, -5, 'x', 1e12]) }) : undefined),
  },
  { method: 'DELETE', path: '/api-keys/{{apiKeyId:1}}', body: () => undefined },
  { method: 'GET', path: '/me', body: () => undefined },
  { method: 'GET', path: '/admin/stats', body: () => undefined },
  { method: 'GET', path: '/service/reports', body: () => undefined },
  { method: 'GET', path: '/auth/oauth/oidc/start', body: () => undefined },
  { method: 'GET', path: '/auth/oauth/google/callback?code=x&state=y', body: () => undefined },
  { method: 'GET', path: '/', body: () => undefined },
  { method: 'GET', path: '/demo.js', body: () => undefined },
];

const ODD_PATHS = [
  '/no/such/route',
  '/auth//login',
  '/AUTH/LOGIN',
  '/auth/login/',
  '/auth/login;jsessionid=1',
  '/auth/login%00',
  '/auth/oauth/%ZZ/start',
  '/auth/oauth/%E0%A4%A/callback',
  '/api-keys/%E0%A4%A/roll',
  '/api-keys/%/roll',
  '/api-keys/__proto__',
  '/api-keys/constructor/roll',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/..%2f..%2fhealthz',
  '//healthz',
  '/healthz/..',
  '/me%2f',
  `/${'a'.repeat(3000)}`,
  '/\u00e9t\u00e9',
  '/healthz#fragment',
];

/** Queries besides none (most requests have none: a credential in one is refused before anything else). */
const QUERIES = [
  '?x=1',
  '?access_token={{access:0}}',
  '?api_key={{apiKey:0}}',
  '?ToKeN=abc',
  '?%74oken=abc',
  '?a=%zz&b',
  `?q=${'y'.repeat(5000)}`,
];

const LATIN1_JUNK = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCZ[\\]^_`az{|}~\u00a0\u00e9\u00ff';

function junkText(r: Random): string {
  const length = r.weighted([
    [6, () => r.int(0, 40)],
    [1, () => r.int(40, 5000)],
  ])();
  let text = '';
  for (let i = 0; i < length; i++) text += r.pick([...LATIN1_JUNK]);
  return text;
}

const junkToken = (r: Random) =>
  r.pick(['A'.repeat(43), '', '{{refresh:0}}', '../../etc/passwd', 'x'.repeat(10_000), 'Zm9v', '\u0000']);

/** The credential a request mainly rides on, so that most requests get past authentication. */
function credentialHeaders(r: Random, origin: string): [string, string][] {
  return r.weighted<() => [string, string][]>([
    [4, () => [['Authorization', `Bearer ${poolRef(r, 'access')}`]]],
    [
      2,
      () => [
        [
          'Cookie',
          `__Host-portcullis-access=${poolRef(r, 'access')}; __Host-portcullis-refresh=${poolRef(r, 'refresh')}`,
        ],
        ['Origin', origin],
      ],
    ],
    [
      2,
      () => [
        ['Cookie', `__Host-portcullis-sid=${poolRef(r, 'session')}`],
        ['Origin', origin],
      ],
    ],
    [2, () => [['X-API-Key', poolRef(r, 'apiKey')]]],
    [1, () => [['Cookie', `__Host-portcullis-device=${poolRef(r, 'device')}`]]],
    [2, () => []],
  ])();
}

/** Headers besides the credential: broken, doubled, oversized. */
function extraHeaders(r: Random, origin: string): [string, string][] {
  const headers: [string, string][] = [];
  const maybe = (p: number, make: () => [string, string]) => {
    if (r.chance(p)) headers.push(make());
  };
  maybe(0.15, () => [
    'Authorization',
    r.pick([
      'Bearer',
      'Basic dXNlcjpwYXNz',
      'Bearer a.b.c',
      `Bearer ${poolRef(r, 'refresh')}`,
      `bearer  ${poolRef(r, 'access')}`,
      junkText(r),
    ]),
  ]);
  maybe(0.1, () => ['Authorization', `Bearer ${poolRef(r, 'access')}`]); // a second Authorization line
  maybe(0.15, () => [
    'Cookie',
    r.pick([
      '__Host-portcullis-refresh=garbage',
      '__proto__=x; constructor=y',
      `__Host-portcullis-sid="${poolRef(r, 'session')}"`,
      `__Host-portcullis-access=${'x'.repeat(5000)}`,
      ';;==',
      junkText(r),
    ]),
  ]);
  maybe(0.15, () => [
    'Origin',
    r.pick([origin, 'null', 'http://evil.example', `${origin}/`, '', junkText(r)]),
  ]);
  maybe(0.05, () => ['Origin', origin]); // a second Origin line
  maybe(0.1, () => [
    'X-API-Key',
    r.pick([`${poolRef(r, 'apiKey')},${poolRef(r, 'apiKey')}`, 'pc_live_', junkText(r)]),
  ]);
  maybe(0.15, () => [
    'X-Forwarded-For',
    r.pick([
      '203.0.113.5',
      '203.0.113.5, 10.0.0.1',
      'unknown',
      '999.1.1.1',
      '[2001:db8::1]:443',
      ',,,',
      Array.from({ length: 1500 }, (_, i) => `10.0.${i % 250}.1`).join(','),
      junkText(r),
    ]),
  ]);
  maybe(0.1, () => ['X-Forwarded-Proto', r.pick(['https', 'http', 'gopher'])]);
  maybe(0.05, () => ['Connection', r.pick(['close', 'keep-alive', 'upgrade', 'junk'])]);
  maybe(0.05, () => ['Accept-Encoding', r.pick(['gzip', 'br, deflate', '*'])]);
  maybe(0.02, () => ['X-Huge', 'h'.repeat(r.pick([9000, 20_000, 70_000]))]);
  if (r.chance(0.02)) for (let i = 0; i < r.pick([200, 1500]); i++) headers.push([`X-Many-${i}`, 'v']);
  return headers;
}

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json, text/plain',
  '',
];

/** The body: usually the route's own, otherwise anything from wrong types to a megabyte. */
function bodyFor(r: Random, route: RouteTemplate): string | Buffer | undefined {
  const valid = route.body(r) ?? (route.method === 'GET' ? undefined : '{}');
  return r.weighted<() => string | Buffer | undefined>([
    [10, () => valid],
    [2, () => undefined],
    [
      2,
      () =>
        json({
          ...(JSON.parse(valid ?? '{}') as object),
          [r.pick(['email', 'password', 'refresh_token', 'scopes', 'name', 'token'])]: r.pick([
            1,
            null,
            [],
            {},
            true,
            [['x']],
          ]),
        }),
    ],
    [
      1,
      () =>
        `{"__proto__":{"role":"admin","polluted":"yes"},"constructor":{"prototype":{"isAdmin":true}}${valid !== undefined && valid.length > 2 ? `,${valid.slice(1)}` : '}'}`,
    ],
    [
      1,
      () => {
        const target = r.pick([LIMIT - 10, LIMIT, LIMIT + 1, LIMIT + 100, 1024 * 1024]);
        const unit = r.pick(['x', '\u20ac']);
        const base = Buffer.byteLength(json({ pad: '' }));
        return json({ pad: unit.repeat(Math.max(0, Math.floor((target - base) / Buffer.byteLength(unit)))) });
      },
    ],
    [1, () => r.pick(['{', '{"email":', 'nul', '[]', '"x"', '42', '{}{}', '\ufeff{}', 'email=a&password=b'])],
    [
      1,
      () => {
        const depth = r.pick([1000, 8000, 100_000]);
        return '['.repeat(depth) + ']'.repeat(depth);
      },
    ],
    [
      1,
      () =>
        Buffer.from(
          r.pick([
            [0xff, 0xfe, 0xfd],
            [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d],
            [0xed, 0xa0, 0x80],
          ]),
        ),
    ],
  ])();
}

const RAW_SPECIALS: readonly RawTemplate[] = [
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

/** The routes behind rate limits (and password hashing): picked more often, so the limits are reached. */
const LIMITED = new Set(['/auth/login', '/auth/session', '/auth/register', '/auth/password/forgot']);
const LIMITED_ROUTES = ROUTES.filter((route) => LIMITED.has(route.path));

function httpTemplate(r: Random, origin: string, host: string): HttpTemplate {
  const route = r.chance(0.25) ? r.pick(LIMITED_ROUTES) : r.pick(ROUTES);
  const method = r.weighted<() => string>([
    [12, () => route.method],
    [1, () => r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])],
  ])();
  const path = r.chance(0.9) ? route.path : r.pick(ODD_PATHS);
  const target = path.includes('?') || r.chance(0.85) ? path : path + r.pick(QUERIES);
  const body = bodyFor(r, route);
  const headers: [string, string][] = [
    ['Host', host],
    ...credentialHeaders(r, origin),
    ...extraHeaders(r, origin),
  ];
  if (body !== undefined && r.chance(0.9))
    headers.push(['Content-Type', r.chance(0.85) ? 'application/json' : r.pick(CONTENT_TYPES)]);
  const framing =
    body === undefined
      ? 'length'
      : r.weighted<Framing>([
          [30, 'length'],
          [3, 'chunked'],
          [2, 'expect-continue'],
          [1, 'chunked-junk'],
          [1, 'length-short'],
          [1, 'length-long'],
          [1, 'length-twice'],
          [1, 'length-junk'],
          [1, 'chunked-and-length'],
        ]);
  return { kind: 'http', method, target, headers, body, framing };
}

/** One connection: a few requests, sometimes pipelined; anything malformed comes last. */
export function planConnection(r: Random, origin: string, host: string): ConnectionPlan {
  const templates: Template[] = [];
  const count = r.weighted([
    [4, 1],
    [3, 2],
    [2, 3],
    [1, 4],
  ]);
  for (let i = 0; i < count; i++) {
    const template: Template = r.chance(0.08) ? r.pick(RAW_SPECIALS) : httpTemplate(r, origin, host);
    templates.push(template);
    if (!isWellFormed(template)) break;
  }
  // After an error, the same connection must still answer: probe it with a health check.
  if (isWellFormed(templates.at(-1)!) && r.chance(0.3))
    templates.push({
      kind: 'http',
      method: 'GET',
      target: '/healthz',
      headers: [['Host', host]],
      body: undefined,
      framing: 'length',
    });
  const last = templates.at(-1)!;
  return {
    templates,
    seed: r.int(0, 2 ** 31),
    pipeline: r.chance(0.1),
    // A request that promises more than it sends ends with a half-close instead of a wait for the timeout.
    endAfterWrite: last.kind === 'raw' ? last.label === 'head never ends' : last.framing === 'length-long',
  };
}

const isWellFormed = (template: Template) =>
  template.kind === 'raw' ? template.wellFormed : WELL_FORMED_FRAMINGS.has(template.framing);

function chunked(body: Buffer, r: Random): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = Math.min(body.length - at, r.int(1, 4096));
    parts.push(
      Buffer.from(`${size.toString(16)}\r\n`, 'latin1'),
      body.subarray(at, at + size),
      Buffer.from('\r\n'),
    );
    at += size;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** The bytes of a template with its credentials filled in, framed as it says. */
export function toWire(template: Template, pools: Pools, r: Random): WireRequest {
  if (template.kind === 'raw') {
    const text = fill(pools, template.text);
    return {
      label: template.label,
      kind: template.label,
      method: text.split(' ')[0] ?? '',
      bytes: Buffer.from(text, 'latin1'),
      wellFormed: template.wellFormed,
    };
  }
  const target = fill(pools, template.target);
  const body =
    template.body === undefined
      ? undefined
      : typeof template.body === 'string'
        ? Buffer.from(fill(pools, template.body), 'utf8')
        : template.body;
  const head = [`${template.method} ${target} HTTP/1.1`];
  for (const [name, value] of template.headers) head.push(`${name}: ${fill(pools, value)}`);
  let payload = body ?? Buffer.alloc(0);
  if (body !== undefined) {
    switch (template.framing) {
      case 'length':
        head.push(`Content-Length: ${body.length}`);
        break;
      case 'expect-continue':
        head.push('Expect: 100-continue', `Content-Length: ${body.length}`);
        break;
      case 'chunked':
        head.push('Transfer-Encoding: chunked');
        payload = chunked(body, r);
        break;
      case 'chunked-junk':
        head.push('Transfer-Encoding: chunked');
        payload = Buffer.concat([Buffer.from('zz\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]);
        break;
      case 'length-short':
        head.push(`Content-Length: ${Math.max(0, body.length - r.int(1, 10))}`);
        break;
      case 'length-long':
        head.push(`Content-Length: ${body.length + r.int(1, 1000)}`);
        break;
      case 'length-twice':
        head.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
        break;
      case 'length-junk':
        head.push(`Content-Length: ${r.pick(['abc', '-1', '1e3', ' ', '0x10', '99999999999999999999'])}`);
        break;
      case 'chunked-and-length':
        head.push('Transfer-Encoding: chunked', `Content-Length: ${body.length}`);
        payload = chunked(body, r);
        break;
    }
  }
  const label = `${template.method} ${target.slice(0, 80)} [${template.framing}${body === undefined ? '' : `, ${body.length} B`}]`;
  const headText = `${head.join('\r\n')}\r\n\r\n`;
  // Node refuses a head over 16 KiB itself (431, or a plain close on a reused connection), and a target
  // that is not ASCII (400): such requests are the server's to refuse, whatever their framing.
  const oversized = headText.length > 15 * 1024;
  const nonAscii = /[^\x21-\x7e]/.test(target);
  const odd = oversized ? 'oversized head' : nonAscii ? 'non-ASCII target' : template.framing;
  return {
    label,
    kind: odd,
    method: template.method,
    bytes: Buffer.concat([Buffer.from(headText, 'latin1'), payload]),
    wellFormed: isWellFormed(template) && !oversized && !nonAscii,
    oversizedBody: payload.length > LIMIT,
  };
}
