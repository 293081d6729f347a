import {
  ACR_MFA,
  type Auth,
  createAuth,
  createMemoryMailer,
  createMemoryStores,
  createMemoryUserDirectory,
} from '@portcullis/core';
import { AuthError } from '@portcullis/core/errors';
import {
  requireFreshAuth as requireFreshAuthOf,
  requireScopes as requireScopesOf,
} from '@portcullis/core/policy';
import { type CreateTestApp, fetchInject, runAdapterSuite } from '@portcullis/testkit';
import { type Handler, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  type AuthenticatedEnv,
  authenticate,
  authRoutes,
  notFound,
  onError,
  protect,
  requireAcr,
  requireFreshAuth,
  requireRoles,
  requireScopes,
  securityHeaders,
} from './index.js';

/** `/me` as the table expects it: the user behind the credential, or 401 when the user is gone. */
function me(auth: Auth): Handler<AuthenticatedEnv> {
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
    // app.request() has no socket: the connection's address as @hono/node-server reports a loopback client.
    app.route('/', authRoutes(auth, { getConnInfo: () => ({ remote: { address: '127.0.0.1' } }) }));
    const reports: Handler<AuthenticatedEnv> = (c) => c.json({ reports: [], key_id: c.get('auth').tokenId });
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
      const scoped: Handler<AuthenticatedEnv> = (c, next) => {
        auth.authorize(c.get('auth'), requireScopesOf('reports:read'));
        return reports(c, next);
      };
      app.get('/service/reports', protect(auth, scoped, { via: ['apiKey'] }));
    }
    app.get('/admin/stats', authenticate(auth), requireRoles(auth, 'admin'), async (c) =>
      c.json({ users: await userCount() }),
    );
    const subject: Handler<AuthenticatedEnv> = (c) => c.json({ subject: c.get('auth').subject });
    app.get('/step-up/fresh', authenticate(auth), requireFreshAuth(auth, { maxAge: 600 }), subject);
    app.get('/step-up/mfa', authenticate(auth), requireAcr(auth, ACR_MFA), subject);
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
      apiKeys: { pepper: 'pepper-0123456789abcdef0123456789abcdef' },
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

describe('requireFreshAuth() and requireAcr()', () => {
  it.each([0, -1, Number.NaN, '10 minutes', '', '0m', undefined])(
    'refuses maxAge %o at start-up, as core does',
    (maxAge) => {
      const auth = { authorize: () => {}, errorResponse: () => ({ status: 500, headers: {}, cookies: [] }) };
      expect(() => requireFreshAuthOf({ maxAge: maxAge as never })).toThrow(TypeError);
      expect(() => requireFreshAuth(auth, { maxAge: maxAge as never })).toThrow(TypeError);
    },
  );

  it('refuses no acr value, or an empty one, at start-up', () => {
    const auth = { authorize: () => {}, errorResponse: () => ({ status: 500, headers: {}, cookies: [] }) };
    expect(() => requireAcr(auth)).toThrow(TypeError);
    expect(() => requireAcr(auth, '')).toThrow(TypeError);
    expect(() => requireAcr(auth, 42 as never)).toThrow(TypeError);
  });
});

describe('the client address behind a proxy', () => {
  const PASSWORD = 'correct horse battery staple';
  const PROXY = '10.0.0.2';

  async function proxiedApp() {
    const auth = await createAuth({
      stores: createMemoryStores(),
      users: createMemoryUserDirectory(),
      issuer: 'https://api.example',
      audience: 'api',
      appOrigin: 'https://app.example',
      apiKeys: { pepper: 'pepper-0123456789abcdef0123456789abcdef' },
      registration: 'open',
      mail: { mailer: createMemoryMailer() },
      passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 } },
      trustProxy: 1,
    });
    const app = new Hono();
    // Every request arrives from the proxy's socket, as behind nginx or a load balancer.
    app.route('/', authRoutes(auth, { getConnInfo: () => ({ remote: { address: PROXY } }) }));
    const login = (password: string, forwardedFor: string) =>
      app.request('https://api.example/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ email: 'owner@example.com', password }),
      });
    await app.request('https://api.example/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1' },
      body: JSON.stringify({ email: 'owner@example.com', password: PASSWORD }),
    });
    return login;
  }

  it("attack: one client's failures do not lock out another client behind the same proxy", async () => {
    const login = await proxiedApp();
    for (let i = 0; i < 5; i++) expect((await login('wrong password!!', '203.0.113.66')).status).toBe(401);
    expect((await login(PASSWORD, '203.0.113.66')).status).toBe(429);
    // A spoofed leftmost entry does not make the attacker someone else…
    expect((await login(PASSWORD, '198.51.100.9, 203.0.113.66')).status).toBe(429);
    // …and the owner, another client of the same proxy, still gets in.
    expect((await login(PASSWORD, '203.0.113.7')).status).toBe(200);
  });

  it('attack: no getConnInfo is a start-up error, never one counter shared by every client', () => {
    const source = { routes: [], errorResponse: () => ({ status: 500, headers: {}, cookies: [] }) };
    expect(() => authRoutes(source, {} as never)).toThrow(
      /^portcullis: authRoutes\(\)\.getConnInfo: is missing/,
    );
  });
});
