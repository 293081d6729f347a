import { type Auth, createAuth, createMemoryStores, createMemoryUserDirectory } from '@portcullis/core';
import { AuthError } from '@portcullis/core/errors';
import { requireScopes as requireScopesOf } from '@portcullis/core/policy';
import { type CreateTestApp, fetchInject, runAdapterSuite } from '@portcullis/testkit';
import { type Handler, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  authenticate,
  authRoutes,
  notFound,
  onError,
  protect,
  requireRoles,
  requireScopes,
  securityHeaders,
} from './index.js';

/** `/me` as the table expects it: the user behind the credential, or 401 when the user is gone. */
function me(auth: Auth): Handler {
  return async (c) => {
    const user = await auth.users.findById(c.get('auth').subject);
    if (user === null) throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer' });
    return c.json({ id: user.id, email: user.email, role: user.role, email_verified: user.emailVerified });
  };
}

/**
 * The shared adapter table, against a test app written the way a Hono user would write it: `/me` and
 * `/service/reports` behind `authenticate()` middleware, or behind `protect()` (one handler each).
 */
function testApp(form: 'middleware' | 'protect'): CreateTestApp {
  return async (auth, userCount) => {
    const app = new Hono();
    app.use(securityHeaders());
    app.route('/', authRoutes(auth));
    const reports: Handler = (c) => c.json({ reports: [], key_id: c.get('auth').tokenId });
    if (form === 'middleware') {
      app.get('/me', authenticate(auth), me(auth));
      app.get(
        '/service/reports',
        authenticate(auth, { via: ['apiKey'] }),
        requireScopes(auth, 'reports:read'),
        reports,
      );
    } else {
      app.get('/me', protect(auth, me(auth)));
      const scoped: Handler = (c, next) => {
        auth.authorize(c.get('auth'), requireScopesOf('reports:read'));
        return reports(c, next);
      };
      app.get('/service/reports', protect(auth, scoped, { via: ['apiKey'] }));
    }
    app.get('/admin/stats', authenticate(auth), requireRoles(auth, 'admin'), async (c) =>
      c.json({ users: await userCount() }),
    );
    app.notFound(notFound(auth));
    app.onError(onError(auth));
    return { inject: fetchInject((request) => app.request(request)) };
  };
}

runAdapterSuite('hono', testApp('middleware'));
runAdapterSuite('hono, protect()', testApp('protect'));

describe('protect()', () => {
  it('answers a cached token without a promise: Hono calls a lone handler directly', async () => {
    const auth = await createAuth({
      stores: createMemoryStores(),
      users: createMemoryUserDirectory(),
      issuer: 'https://api.example',
      audience: 'api',
      appOrigin: 'https://app.example',
      apiKeyPepper: 'pepper-0123456789abcdef0123456789abcdef',
    });
    const { token } = await auth.accessTokens.issue({ subject: 'user-1' });
    const app = new Hono();
    app.get(
      '/protected',
      protect(auth, (c) => c.json({ sub: c.get('auth').subject })),
    );
    app.get('/middleware', authenticate(auth), (c) => c.json({ sub: c.get('auth').subject }));
    app.onError(onError(auth));
    const request = (path: string) =>
      new Request(`https://api.example${path}`, { headers: { authorization: `Bearer ${token}` } });
    // Twice through the promise path: the verifier caches a token on its second sighting.
    await app.fetch(request('/protected'));
    await app.fetch(request('/protected'));
    const answer = app.fetch(request('/protected'));
    expect(answer).toBeInstanceOf(Response);
    expect(await (answer as Response).json()).toEqual({ sub: 'user-1' });
    expect(app.fetch(request('/middleware'))).toBeInstanceOf(Promise);
    const refused = await app.fetch(new Request('https://api.example/protected'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a missing handler and a bad via at start-up', () => {
    const auth = {
      authenticate: async () => Promise.reject(new Error()),
      authorize: () => {},
      errorResponse: () => ({ status: 500, headers: {}, cookies: [] }),
    };
    expect(() => protect(auth, undefined as never)).toThrow(TypeError);
    expect(() => protect(auth, (c) => c.text('x'), { via: [] })).toThrow(TypeError);
  });
});
