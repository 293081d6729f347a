import { optionError } from '@portcullis/core/adapter';
import { type Context, Hono } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import { bodyOf, requestOf, send } from './translate.js';
import type { AuthRouteSource } from './types.js';

/**
 * Options of `authRoutes()`.
 *
 * @example authRoutes(auth, { getConnInfo }) // getConnInfo from '@hono/node-server/conninfo', 'hono/bun', …
 */
export interface AuthRoutesOptions {
  /**
   * Your runtime's `getConnInfo` (`@hono/node-server/conninfo`, `hono/bun`, `hono/deno`,
   * `hono/cloudflare-workers`), as for Hono's `ipRestriction`: the address of the connection's peer.
   * Required: login, registration and reset limits count each client by its address, and without one every
   * client would share one counter, so one client could lock everyone out. Core works out the client from
   * it and `X-Forwarded-For` under `createAuth({ trustProxy })`.
   */
  getConnInfo: GetConnInfo;
}

/**
 * The connection's peer address, or `undefined` when `getConnInfo` cannot tell (a `getConnInfo` of another
 * runtime, `app.request()` without a socket): core then refuses the routes that count per address with a
 * clear 400, and serves the others.
 */
function remoteAddressOf(getConnInfo: GetConnInfo, c: Context): string | undefined {
  try {
    const address = getConnInfo(c).remote.address;
    return typeof address === 'string' ? address : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every route of `auth.routes` (register, login, refresh, logout, sessions, API keys, JWKS, health) as a
 * Hono sub-app. Bodies are read raw and bounded, so core parses them and answers 400 and 413 itself.
 * Without `getConnInfo` it throws a `TypeError` here, at start-up.
 *
 * @example
 * import { getConnInfo } from '@hono/node-server/conninfo';
 * app.route('/', authRoutes(auth, { getConnInfo }));
 */
export function authRoutes(auth: AuthRouteSource, options: AuthRoutesOptions): Hono {
  const getConnInfo = (options as Partial<AuthRoutesOptions> | undefined)?.getConnInfo;
  if (typeof getConnInfo !== 'function') {
    throw optionError(
      'authRoutes().getConnInfo',
      'is missing: login throttling counts each client by its address, and without it every client would share one counter',
      "pass your runtime's, e.g. authRoutes(auth, { getConnInfo }) with getConnInfo from '@hono/node-server/conninfo'",
    );
  }
  const app = new Hono();
  for (const route of auth.routes) {
    app.on(route.method, route.path, async function portcullisRoute(c) {
      try {
        // Read before the body: a body past the discard budget is cut off, and its socket with it.
        const remoteAddress = remoteAddressOf(getConnInfo, c);
        const body = route.method === 'GET' ? undefined : await bodyOf(c);
        return send(c, await route.handle({ ...requestOf(c), body, params: c.req.param(), remoteAddress }));
      } catch (error) {
        return send(c, auth.errorResponse(error));
      }
    });
  }
  return app;
}
