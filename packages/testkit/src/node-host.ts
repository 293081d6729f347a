import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Auth, AuthError, requireRoles, requireScopes } from '@portcullis/core';
import {
  type AuthResponse,
  headersFromRawHeaders,
  MAX_AUTH_BODY_BYTES,
  readBodyText,
  responseBodyText,
  SECURITY_HEADERS,
} from '@portcullis/core/http';

/**
 * A reference host for `createAuth` on bare `node:http`, for tests that need real processes (multi-instance,
 * fault tests) and to check the adapter table itself. It serves the contract's auth routes and its three app
 * routes; it is what every framework adapter does, minus the framework.
 */
export function createNodeListener(auth: Auth, userCount: () => Promise<number>) {
  const matchers = auth.routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/:([a-z]+)/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, names, pattern: new RegExp(`^${source}$`) };
  });

  function send(res: ServerResponse, response: AuthResponse) {
    res.statusCode = response.status;
    for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, ...response.headers }))
      res.setHeader(name, value);
    if (response.cookies.length > 0) res.setHeader('set-cookie', response.cookies);
    res.end(responseBodyText(response));
  }

  const ok = (body: unknown): AuthResponse => ({
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    cookies: [],
    body,
  });

  return async function listener(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const request = {
      method,
      url,
      headers: headersFromRawHeaders(req.rawHeaders),
      remoteAddress: req.socket.remoteAddress,
    };
    try {
      for (const { route, names, pattern } of matchers) {
        const match = route.method === method ? pattern.exec(path) : null;
        if (match === null) continue;
        const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
        const body = method === 'GET' ? undefined : await readBodyText(req, MAX_AUTH_BODY_BYTES);
        send(res, await route.handle({ ...request, body, params }));
        return;
      }
      if (method === 'GET' && path === '/me') {
        const principal = await auth.authenticate(request);
        const user = await auth.users.findById(principal.subject);
        if (user === null)
          throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer', reason: 'user_gone' });
        send(
          res,
          ok({ id: user.id, email: user.email, role: user.role, email_verified: user.emailVerified }),
        );
      } else if (method === 'GET' && path === '/admin/stats') {
        auth.authorize(await auth.authenticate(request), requireRoles('admin'));
        send(res, ok({ users: await userCount() }));
      } else if (method === 'GET' && path === '/service/reports') {
        const principal = await auth.authenticate(request, { via: ['apiKey'] });
        auth.authorize(principal, requireScopes('reports:read'));
        send(res, ok({ reports: [], key_id: principal.tokenId }));
      } else {
        throw new AuthError('not_found', 'Not found');
      }
    } catch (error) {
      send(res, auth.errorResponse(error));
    }
  };
}
