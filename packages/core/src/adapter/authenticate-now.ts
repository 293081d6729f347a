import type { AuthContext, AuthenticateOptions } from '../auth/authenticate.js';
import type { AuthRequest } from '../http/types.js';
import type { MaybePromise } from '../lib/maybe-promise.js';
import type { AdapterAuth } from './adapter-auth.js';

/** `authenticate` without the promise: the context itself when nothing had to be awaited. */
export type AuthenticateNow = (
  request: AuthRequest,
  options: AuthenticateOptions | undefined,
) => MaybePromise<AuthContext>;

/**
 * Where `createAuth` and `createResourceServer` keep their `AuthenticateNow`: under a symbol, so that it is
 * no member of `Auth`'s or `ResourceServer`'s public type. `Symbol.for`, so that an adapter loading core's
 * other module format (ESM beside CJS) still finds it.
 */
export const AUTHENTICATE_NOW = Symbol.for('portcullis.authenticateNow');

/**
 * Authenticates `request` for an adapter's request hook: the context itself when nothing had to be awaited
 * (a cached bearer token checked against a memory revocation store), a promise otherwise; a refusal may be
 * thrown synchronously. The hook continues synchronously on a value, so that the hot path of a protected
 * route creates no promise at all. An `auth` built by hand with only `authenticate` (an edge runtime's) is
 * answered through it.
 *
 * @internal Adapter plumbing, exported from `@portcullis/core/adapter` only: application code calls
 * `auth.authenticate()`.
 * @example
 * let context: MaybePromise<AuthContext>;
 * try {
 *   context = authenticateNow(auth, toAuthRequest(req), options);
 * } catch (error) {
 *   return next(error);
 * }
 * if (isThenable(context)) context.then((value) => proceed(value), next);
 * else proceed(context);
 */
export function authenticateNow(
  auth: Pick<AdapterAuth, 'authenticate'>,
  request: AuthRequest,
  options?: AuthenticateOptions,
): MaybePromise<AuthContext> {
  const now = (auth as { [AUTHENTICATE_NOW]?: AuthenticateNow })[AUTHENTICATE_NOW];
  return now === undefined ? auth.authenticate(request, options) : now(request, options);
}
