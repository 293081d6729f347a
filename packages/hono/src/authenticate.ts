import type { AuthContext, AuthenticateOptions, Requirement } from '@portcullis/core';
import {
  requireAcr as acrRequirement,
  assertRequirement,
  authenticateNow,
  requireFreshAuth as freshAuthRequirement,
  isThenable,
  type MaybePromise,
  optionError,
  resolveVia,
  requireRoles as roles,
  requireScopes as scopes,
} from '@portcullis/core/adapter';
import type { Context, Env, Handler, Input, MiddlewareHandler } from 'hono';
import type { HandlerResponse } from 'hono/types';
import { refusal, requestOf } from './translate.js';
import type { AuthenticatedEnv, Authenticator } from './types.js';

type AuthenticatingAuth = Pick<Authenticator, 'authenticate' | 'errorResponse'>;

/**
 * `(c, then)`: authenticates `c`, sets `c.get('auth')` and returns what `then()` returns — synchronously
 * when core answers so, a promise otherwise; a refusal throws (rejects with) the contract's
 * `HTTPException`. `via` is checked once, at start-up.
 */
function authenticator(auth: AuthenticatingAuth, options: AuthenticateOptions, caller: string) {
  const via = resolveVia(options.via, `${caller}.via`);
  const authOptions: AuthenticateOptions = via === undefined ? {} : { via };
  const refuse = (error: unknown): never => {
    throw refusal(auth.errorResponse(error), error);
  };
  const proceed = <R>(c: Context, context: AuthContext, then: () => MaybePromise<R>): MaybePromise<R> => {
    c.set('auth', context);
    return then();
  };
  // An Authenticator built by hand (edge) may have only the promise form: authenticateNow serves both.
  return <R>(c: Context, then: () => MaybePromise<R>): MaybePromise<R> => {
    let context: MaybePromise<AuthContext>;
    try {
      context = authenticateNow(auth, requestOf(c), authOptions);
    } catch (error) {
      return refuse(error);
    }
    // `then` runs outside the `try`: what the handler throws is its own, not a refusal.
    return isThenable(context)
      ? context.then((value) => proceed(c, value, then), refuse)
      : proceed(c, context, then);
  };
}

/**
 * Authenticates the request and sets `c.get('auth')` (principal + method); a refusal throws an
 * `HTTPException` whose response is the contract's (401 with `WWW-Authenticate`, 400, 403 `csrf_failed`, 503).
 * Its `Env` (`AuthenticatedEnv`) types `c.get('auth')` as present in the handlers after it.
 *
 * @example
 * app.get('/me', authenticate(auth), (c) => c.json({ sub: c.get('auth').subject }));
 * app.get('/service/reports', authenticate(auth, { via: ['apiKey'] }), handler);
 */
export function authenticate(
  auth: AuthenticatingAuth,
  options: AuthenticateOptions = {},
): MiddlewareHandler<AuthenticatedEnv> {
  const authenticated = authenticator(auth, options, 'authenticate()');
  // Not an async function: when core answers synchronously (a cached token, a memory store) the
  // middleware hands Hono `next()`'s own promise and creates none of its own.
  return function portcullisAuthenticate(c, next) {
    return authenticated(c, next) as Promise<void>;
  };
}

/**
 * `handler` behind `authenticate(auth, options)`, as one handler rather than a middleware and a handler:
 * the same refusals, and `c.get('auth')` set before `handler` runs. The difference is Hono's: a route with
 * a single handler is called directly, while a route with any middleware runs through Hono's async
 * compose (a promise per step, the response written from a microtask); with `protect()` and a cached
 * token the route answers without a promise. Worth it on hot routes of apps without app-wide middleware
 * (README, *Hot routes*); anywhere else `authenticate()` reads better and costs about the same.
 *
 * @example app.get('/me', protect(auth, (c) => c.json({ sub: c.get('auth').subject })));
 */
export function protect<E extends Env, P extends string, I extends Input, R extends HandlerResponse<unknown>>(
  auth: AuthenticatingAuth,
  handler: Handler<E & AuthenticatedEnv, P, I, R>,
  options: AuthenticateOptions = {},
): Handler<E, P, I, R> {
  if (typeof handler !== 'function')
    throw optionError(
      'protect().handler',
      `must be a function, not ${typeof handler}`,
      'pass the route handler',
    );
  const authenticated = authenticator(auth, options, 'protect()');
  return function portcullisProtect(c, next) {
    // `authenticated` has set `auth` by the time `handler` runs: the context is the handler's.
    return authenticated<R>(c, () => handler(c as Context<E & AuthenticatedEnv, P, I>, next)) as R;
  };
}

/**
 * Lets the request through only when `c.get('auth')` meets the requirement; otherwise 403
 * `insufficient_scope`, or 401 `insufficient_user_authentication` for an unmet step-up requirement.
 * Runs after `authenticate()`.
 *
 * @example app.delete('/reports/:id', authenticate(auth), authorize(auth, anyOf(requireRoles('admin'), requireScopes('reports:write'))), handler);
 */
export function authorize(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  requirement: Requirement,
): MiddlewareHandler {
  assertRequirement(requirement, 'authorize()');
  return async function portcullisAuthorize(c, next) {
    const context = c.get('auth');
    // Middleware order is a programming error, not a client's: answer 500 rather than guess credentials.
    if (context === undefined) throw new Error('portcullis: authorize() ran before authenticate()');
    try {
      auth.authorize(context, requirement);
    } catch (error) {
      throw refusal(auth.errorResponse(error), error);
    }
    await next();
  };
}

/**
 * Requires ANY ONE of the roles (inherited roles count); 403 `insufficient_scope` otherwise.
 *
 * @example app.get('/admin/stats', authenticate(auth), requireRoles(auth, 'admin'), handler);
 */
export function requireRoles(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  ...names: string[]
): MiddlewareHandler {
  return authorize(auth, roles(...names));
}

/**
 * Requires ALL of the scopes (RFC 6750 §3.1); 403 `insufficient_scope` otherwise.
 *
 * @example app.get('/service/reports', authenticate(auth, { via: ['apiKey'] }), requireScopes(auth, 'reports:read'), handler);
 */
export function requireScopes(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  ...names: string[]
): MiddlewareHandler {
  return authorize(auth, scopes(...names));
}

/**
 * Requires an authentication at most `maxAge` ago (seconds, or `'10m'`): step-up for a sensitive action.
 * Otherwise 401 `insufficient_user_authentication` with `max_age` in the challenge (RFC 9470).
 *
 * @example app.post('/account/email', authenticate(auth), requireFreshAuth(auth, { maxAge: '10m' }), handler);
 */
export function requireFreshAuth(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  options: { maxAge: number | string },
): MiddlewareHandler {
  return authorize(auth, freshAuthRequirement(options));
}

/**
 * Requires an authentication context class (`acr`) among `values`, e.g. `ACR_MFA`. Otherwise 401
 * `insufficient_user_authentication` with `acr_values` in the challenge (RFC 9470).
 *
 * @example app.delete('/account', authenticate(auth), requireAcr(auth, ACR_MFA), handler);
 */
export function requireAcr(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  ...values: string[]
): MiddlewareHandler {
  return authorize(auth, acrRequirement(...values));
}
