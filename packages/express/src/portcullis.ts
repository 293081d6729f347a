import {
  type AuthenticateOptions,
  type Requirement,
  requireAcr,
  requireFreshAuth,
  requireRoles,
  requireScopes,
} from '@portcullis/core';
import { type AdapterAuth, assertAdapterAuth } from '@portcullis/core/adapter';
import type { ErrorRequestHandler, RequestHandler, Router } from 'express';
import { authenticateWith, authorizeWith } from './authenticate.js';
import { errorHandlerFor } from './errors.js';
import { authRouter } from './router.js';

/** The Express middleware of one `Auth` instance. */
export interface Portcullis {
  /** Every route of `auth.routes` (`/auth/*`, `/api-keys`, JWKS, health) as an Express `Router`. */
  readonly router: Router;
  /** Authenticates the request (`via`: which credentials, default bearer, access cookie, session) and sets `req.auth`. */
  authenticate(options?: AuthenticateOptions): RequestHandler;
  /** Lets through a `req.auth` holding ANY ONE of `roles` (inherited roles count); otherwise 403. */
  requireRoles(...roles: string[]): RequestHandler;
  /** Lets through a `req.auth` carrying ALL of `scopes`; otherwise 403. */
  requireScopes(...scopes: string[]): RequestHandler;
  /**
   * Lets through a `req.auth` whose user authenticated at most `maxAge` ago (seconds, or `'10m'`); otherwise
   * 401 `insufficient_user_authentication` with `max_age` in the challenge (RFC 9470 step-up).
   */
  requireFreshAuth(options: { maxAge: number | string }): RequestHandler;
  /** Lets through a `req.auth` whose `acr` is one of `values` (e.g. `ACR_MFA`); otherwise 401 with `acr_values` (RFC 9470). */
  requireAcr(...values: string[]): RequestHandler;
  /** Lets through a `req.auth` meeting any requirement, e.g. `anyOf(requireRoles('admin'), requireScopes('x'))`. */
  authorize(requirement: Requirement): RequestHandler;
  /** Error-handling middleware: every error, portcullis's or Express's own, answered by `auth.errorResponse`. */
  readonly errorHandler: ErrorRequestHandler;
}

/**
 * Binds the Express middleware to one `Auth`, so that `auth` is named once and the router, the
 * authentication, the policy checks and the error responses all come from the same instance. Misused
 * options throw a `TypeError` here and in each factory, at start-up; request failures go to `next(err)`.
 *
 * @example
 * const pc = portcullis(auth);
 * app.use(securityHeaders(), pc.router);
 * app.get('/admin/stats', pc.authenticate(), pc.requireRoles('admin'), (req, res) => {
 *   res.json({ by: req.auth?.subject });
 * });
 * app.use(notFound, pc.errorHandler);
 */
export function portcullis(auth: AdapterAuth): Portcullis {
  assertAdapterAuth(auth, 'portcullis(auth)');
  return Object.freeze({
    router: authRouter(auth),
    authenticate: (options?: AuthenticateOptions) => authenticateWith(auth, options),
    requireRoles: (...roles: string[]) => authorizeWith(auth, requireRoles(...roles), 'requireRoles'),
    requireScopes: (...scopes: string[]) => authorizeWith(auth, requireScopes(...scopes), 'requireScopes'),
    requireFreshAuth: (options: { maxAge: number | string }) =>
      authorizeWith(auth, requireFreshAuth(options), 'requireFreshAuth'),
    requireAcr: (...values: string[]) => authorizeWith(auth, requireAcr(...values), 'requireAcr'),
    authorize: (requirement: Requirement) => authorizeWith(auth, requirement),
    errorHandler: errorHandlerFor(auth),
  });
}
