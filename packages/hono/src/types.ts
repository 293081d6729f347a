import type { Auth, AuthContext } from '@portcullis/core';

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The authenticated principal and how it authenticated, set by `authenticate()` and `protect()`; `undefined`
     * on a route without them. Behind them the route's own `Env` (`AuthenticatedEnv`) types it as present.
     */
    auth: AuthContext | undefined;
  }
}

/**
 * The `Env` of a route behind `authenticate()` or `protect()`: `c.get('auth')` is set. Hono adds a middleware's
 * `Env` to the handlers after it, so `c.get('auth').subject` compiles there and nowhere else; name it to type
 * a handler written apart from its route.
 *
 * @example const me: Handler<AuthenticatedEnv> = (c) => c.json({ sub: c.get('auth').subject });
 */
export type AuthenticatedEnv = { Variables: { auth: AuthContext } };

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
