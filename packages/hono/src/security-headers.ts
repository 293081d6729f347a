import { SECURITY_HEADERS } from '@portcullis/core/adapter';
import type { Context, MiddlewareHandler } from 'hono';
import { secureOnNodeWrite } from './node-fast-path.js';

function apply(headers: Headers): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  headers.delete('x-powered-by');
}

/** After `next()`: on the response Hono holds (every runtime but Node). */
function applyToResponse(c: Context): void {
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
}

/**
 * Sets the contract's security headers (`nosniff`, `X-Frame-Options: DENY`, HSTS, `Referrer-Policy:
 * no-referrer`) on every response, errors and 404s included, over any value a handler set, and removes
 * `X-Powered-By`. Mount it first. They are set on `c.res` after the handlers ran; on @hono/node-server they
 * are added as Node writes the response instead (`node-fast-path.ts`), so they are not in `c.res.headers`.
 *
 * @example app.use(securityHeaders());
 */
export function securityHeaders(): MiddlewareHandler {
  return function portcullisSecurityHeaders(c, next) {
    if (secureOnNodeWrite(c)) return next();
    return next().then(() => applyToResponse(c));
  };
}
