import { Hono } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import { bodyOf, requestOf, send } from './translate.js';
import type { AuthRouteSource } from './types.js';

/**
 * Options of `authRoutes()`.
 *
 * @example authRoutes(auth, { getConnInfo }) // getConnInfo from 'hono/bun', 'hono/deno', …
 */
export interface AuthRoutesOptions {
  /**
   * Your runtime's `getConnInfo` (`hono/bun`, `hono/deno`, `hono/cloudflare-workers`,
   * `@hono/node-server/conninfo`), as for Hono's `ipRestriction`. It gives login throttling the client's
   * address; without it every client shares one per-address counter.
   */
  getConnInfo?: GetConnInfo;
}

/**
 * Every route of `auth.routes` (register, login, refresh, logout, sessions, API keys, JWKS, health) as a
 * Hono sub-app. Bodies are read raw and bounded, so core parses them and answers 400 and 413 itself.
 *
 * @example
 * import { getConnInfo } from '@hono/node-server/conninfo';
 * app.route('/', authRoutes(auth, { getConnInfo }));
 */
export function authRoutes(auth: AuthRouteSource, options: AuthRoutesOptions = {}): Hono {
  const { getConnInfo } = options;
  if (getConnInfo !== undefined && typeof getConnInfo !== 'function') {
    throw new TypeError('authRoutes(): "getConnInfo" must be a function');
  }
  const app = new Hono();
  for (const route of auth.routes) {
    app.on(route.method, route.path, async function portcullisRoute(c) {
      try {
        const body = route.method === 'GET' ? undefined : await bodyOf(c);
        const ip = getConnInfo?.(c).remote.address;
        return send(c, await route.handle({ ...requestOf(c), body, params: c.req.param(), ip }));
      } catch (error) {
        return send(c, auth.errorResponse(error));
      }
    });
  }
  return app;
}
