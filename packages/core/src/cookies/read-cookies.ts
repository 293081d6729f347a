import { parse } from 'cookie';
import type { RequestHeaders } from '../http/types.js';

/**
 * Browsers store at most 4096 bytes of name and value per cookie (RFC 6265 §6.1), so a longer value cannot
 * be one we set: it is ignored.
 */
export const MAX_COOKIE_VALUE_LENGTH = 4096;

const keepRaw = (value: string): string => value;

/** The `Cookie` header values, tolerating whatever an untyped caller passes. */
function cookieHeaders(headers: RequestHeaders | undefined): readonly unknown[] {
  const value: unknown = headers?.['cookie'];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value : [];
}

function decodeValue(raw: string): string {
  // RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ).
  const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!unquoted.includes('%')) return unquoted;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return unquoted;
  }
}

/**
 * Reads every cookie of a request's `Cookie` header(s) into a record. Never throws, whatever the header holds.
 *
 * - Several `Cookie` headers (HTTP/2 splits them; `headers.cookie` is then an array) are read in order.
 * - When a name occurs more than once, the first occurrence wins, across headers too: browsers send the
 *   cookie with the most specific path first (RFC 6265 §5.4), and a later duplicate is more likely one
 *   planted by a sibling subdomain. If that first occurrence is unusable (empty, or longer than
 *   `MAX_COOKIE_VALUE_LENGTH` characters) the name is absent: a later duplicate never stands in for it.
 * - One pair of surrounding double quotes is removed (RFC 6265 §4.1.1) and `%XX` escapes are decoded, as
 *   `cookie`'s `serialize` encodes them; an invalid escape leaves the value as it is.
 * - Pairs without `=` or with an empty name are skipped.
 * - The record has no prototype, so `cookies['constructor']` or `cookies['__proto__']` is only ever a cookie.
 *
 * @example readCookies({ cookie: '__Host-portcullis-sid=abc; theme=dark' }) // { '__Host-portcullis-sid': 'abc', theme: 'dark' }
 */
export function readCookies(headers: RequestHeaders): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  for (const header of cookieHeaders(headers)) {
    if (typeof header !== 'string') continue;
    const pairs = parse(header, { decode: keepRaw });
    for (const name of Object.keys(pairs)) {
      const raw = pairs[name];
      if (name.length === 0 || seen.has(name)) continue;
      seen.add(name);
      if (raw === undefined || raw.length === 0 || raw.length > MAX_COOKIE_VALUE_LENGTH) continue;
      const value = decodeValue(raw);
      if (value.length > 0) cookies[name] = value;
    }
  }
  return cookies;
}
