import type { RequestHandler } from 'express';
import { applySecurityHeaders } from './lib/translate.js';

/**
 * Middleware adding the contract's security headers (`nosniff`, `X-Frame-Options: DENY`, HSTS,
 * `Referrer-Policy: no-referrer`) to every response and removing `X-Powered-By`. Mount it first. The
 * auth routes and the error handler add these headers themselves too.
 *
 * @example app.use(securityHeaders());
 */
export function securityHeaders(): RequestHandler {
  return function portcullisSecurityHeaders(_req, res, next) {
    applySecurityHeaders(res);
    next();
  };
}
