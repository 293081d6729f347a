import { headerValue } from '../http/headers.js';
import type { AuthRequest } from '../http/types.js';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * A URL as RFC 9449 §4.3 compares `htu`: scheme and host lower-cased, the scheme's default port dropped,
 * no query, no fragment (RFC 3986 §6.2.2–6.2.3, as WHATWG URL parsing does it). `undefined` when it is no
 * absolute http(s) URL.
 */
export function normalisedHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  const port = url.port === '' || url.port === DEFAULT_PORTS[url.protocol] ? '' : `:${url.port}`;
  return `${url.protocol}//${url.hostname}${port}${url.pathname}`;
}

/**
 * The URLs a proof's `htu` may name for this request: its path (no query) at the `Host` it was sent to,
 * over `protocol` — and over https too, since a server terminating TLS itself cannot be told from plain
 * HTTP here (a downgrade gains nothing: the proof still names this host and path).
 */
export function requestHtus(request: AuthRequest, protocol: 'http' | 'https'): readonly string[] {
  let path = request.url;
  let host: string | undefined;
  if (!path.startsWith('/')) {
    // An absolute URL (a proxy's request line, or a runtime handing the full URL): its own host and scheme.
    const absolute = normalisedHtu(path);
    return absolute === undefined ? [] : [absolute];
  }
  host = headerValue(request.headers, 'host');
  if (host === undefined || host.length === 0) return [];
  const query = path.indexOf('?');
  if (query !== -1) path = path.slice(0, query);
  const schemes = protocol === 'https' ? ['https'] : ['http', 'https'];
  const targets: string[] = [];
  for (const scheme of schemes) {
    const target = normalisedHtu(`${scheme}://${host}${path}`);
    if (target !== undefined) targets.push(target);
  }
  return targets;
}
