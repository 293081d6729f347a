import { SECURITY_HEADERS } from '@portcullis/core/http';
import type { MiddlewareHandler } from 'hono';

function apply(headers: Headers): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  headers.delete('x-powered-by');
}

/**
 * Sets the contract's security headers (`nosniff`, `X-Frame-Options: DENY`, HSTS, `Referrer-Policy:
 * no-referrer`) on every response, errors and 404s included, and removes `X-Powered-By`. Mount it first.
 *
 * @example app.use(securityHeaders());
 */
export function securityHeaders(): MiddlewareHandler {
  return async function portcullisSecurityHeaders(c, next) {
    await next();
    try {
      apply(c.res.headers);
    } catch {
      // Immutable headers (a fetch() response or Response.redirect() passed through): set them on a copy,
      // and replace the original rather than let Hono merge into it.
      const copy = new Response(c.res.body, c.res);
      apply(copy.headers);
      c.res = undefined;
      c.res = copy;
    }
  };
}
