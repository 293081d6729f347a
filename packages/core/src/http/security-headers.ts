/**
 * The contract's security headers, as a plain map the adapters apply to every response. HSTS is sent
 * even over plain HTTP in development: browsers ignore it there (RFC 6797 §8.1), and it must never be
 * forgotten in production.
 *
 * @example for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
});
