import type { Auth, AuthContext } from '@portcullis/core';

declare module 'hono' {
  interface ContextVariableMap {
    /** The authenticated principal and how it authenticated, set by `authenticate()`. */
    auth: AuthContext;
  }
}

/**
 * What the middleware needs of an `Auth`: `createAuth()`'s result, or — on an edge runtime — an authenticator
 * built from core's edge-safe parts (a verifier over a remote JWKS, a policy, `errorResponse`). What
 * `createAuth()` or `createResourceServer()` returned answers a cached token without a promise; one built by
 * hand is answered through its `authenticate`.
 *
 * @example const auth: Authenticator = { authenticate, authorize: policy.enforce, errorResponse };
 */
export type Authenticator = Pick<Auth, 'authenticate' | 'authorize' | 'errorResponse'>;

/**
 * What `authRoutes()` needs of an `Auth`: its routes, and the error mapping for what fails before them.
 *
 * @example const source: AuthRouteSource = await createAuth(options);
 */
export type AuthRouteSource = Pick<Auth, 'routes' | 'errorResponse'>;
