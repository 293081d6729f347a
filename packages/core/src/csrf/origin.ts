/** Origins longer than this are refused before parsing; real ones are a scheme, a host and a port. */
const MAX_ORIGIN_LENGTH = 2048;

/**
 * The ASCII serialisation of an http(s) origin (RFC 6454 §6.2): lower-case scheme and host, IDN hosts in
 * punycode, the default port (80, 443) elided, no trailing slash — or `null` for anything that is not
 * exactly an origin: the opaque `null` origin, another scheme, user info, a path, a query or a fragment.
 * A lone trailing `/` is tolerated (`https://app.example/` is `https://app.example`).
 *
 * @example normalizeOrigin('HTTPS://App.Example:443/') // 'https://app.example'
 */
export function normalizeOrigin(value: string): string | null {
  if (typeof value !== 'string' || value.length > MAX_ORIGIN_LENGTH || !/^https?:\/\//i.test(value))
    return null;
  // The URL parser forgives much (whitespace, `\` for `/`, an empty `?` or `#`, dot segments): none belongs in an origin.
  if (/[\s?#@\\]/.test(value)) return null;
  const authorityAndPath = value.slice(value.indexOf('//') + 2);
  const slash = authorityAndPath.indexOf('/');
  if (slash !== -1 && slash !== authorityAndPath.length - 1) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== ''
  )
    return null;
  return url.origin;
}
