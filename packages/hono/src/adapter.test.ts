import { AuthError } from '@portcullis/core/errors';
import {
  type AuthRequest,
  assertNoCredentialsInUrl,
  errorResponse,
  extractBearerToken,
  MAX_AUTH_BODY_BYTES,
  MAX_DISCARDED_BODY_BYTES,
  missingCredentials,
} from '@portcullis/core/http';
import { createKeyring } from '@portcullis/core/keys';
import { allOf, createPolicy, requireScopes as scopes } from '@portcullis/core/policy';
import { createAccessTokenIssuer, createAccessTokenVerifier } from '@portcullis/core/tokens';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { describe, expect, it } from 'vitest';
import {
  type Authenticator,
  type AuthRouteSource,
  authenticate,
  authorize,
  authRoutes,
  notFound,
  onError,
  requireRoles,
  requireScopes,
  securityHeaders,
} from './index.js';

const ORIGIN = 'http://127.0.0.1:3000';
/** A connection's address, as a runtime's `getConnInfo` gives it (`app.request()` has no socket). */
const loopback = () => ({ remote: { address: '127.0.0.1' } });
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-powered-by')).toBeNull();
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
  expectSecurityHeaders(response);
}

/** An auth-routes source whose routes record the neutral request they were handed. */
function recordingRoutes() {
  const seen: AuthRequest[] = [];
  const source: AuthRouteSource = {
    routes: [
      {
        method: 'POST',
        path: '/things/:id/echo',
        handle: async (request) => {
          seen.push(request);
          return {
            status: 201,
            headers: JSON_HEADERS,
            cookies: ['a=1; Path=/', 'b=2; Path=/'],
            body: { ok: 1 },
          };
        },
      },
      {
        method: 'DELETE',
        path: '/things/:id',
        handle: async (request) => {
          seen.push(request);
          return { status: 204, headers: { 'cache-control': 'no-store' }, cookies: [] };
        },
      },
    ],
    errorResponse: (error) => errorResponse(error),
  };
  return { seen, source };
}

describe('authRoutes translation', () => {
  it('hands core the method, URL with query, every header, raw body, decoded params and the socket address', async () => {
    const { seen, source } = recordingRoutes();
    const app = new Hono();
    const getConnInfo = () => ({ remote: { address: '203.0.113.7', addressType: 'IPv4' as const } });
    app.route('/', authRoutes(source, { getConnInfo }));
    const headers = new Headers({ 'content-type': 'application/json', 'X-Custom': 'yes' });
    headers.append('authorization', 'Bearer a');
    headers.append('authorization', 'Bearer b');
    const response = await app.request(`${ORIGIN}/things/a%20b/echo?x=1&y=%2F`, {
      method: 'POST',
      headers,
      body: '{"a":1}',
    });

    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ ok: 1 });
    expectSecurityHeaders(response);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: `${ORIGIN}/things/a%20b/echo?x=1&y=%2F`,
      body: '{"a":1}',
      params: { id: 'a b' },
      remoteAddress: '203.0.113.7',
    });
    expect(seen[0]!.headers['x-custom']).toBe('yes');
    expect(seen[0]!.headers['authorization']).toEqual(['Bearer a', 'Bearer b']);
  });

  it('hands core no address, rather than failing, when getConnInfo cannot tell', async () => {
    const { seen, source } = recordingRoutes();
    const app = new Hono();
    // The @hono/node-server getConnInfo under app.request(): there is no Node request to read.
    const nodeOnly = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'incoming')");
    };
    app.route('/', authRoutes(source, { getConnInfo: nodeOnly }));
    const response = await app.request('/things/1/echo', { method: 'POST', body: '{}' });
    expect(response.status).toBe(201);
    expect(seen[0]!.remoteAddress).toBeUndefined();
  });

  it('answers 204 with an empty body', async () => {
    const { source } = recordingRoutes();
    const app = new Hono().route('/', authRoutes(source, { getConnInfo: loopback }));
    const response = await app.request('/things/1', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expectSecurityHeaders(response);
  });

  it('reads at most MAX_AUTH_BODY_BYTES + 1 bytes of an endless body, and cuts it off after the discard budget', async () => {
    const { seen, source } = recordingRoutes();
    const app = new Hono().route('/', authRoutes(source, { getConnInfo: loopback }));
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(0x61));
      },
      cancel() {
        cancelled = true;
      },
    });
    const init = { method: 'POST', body: endless, duplex: 'half' } as RequestInit;
    expect((await app.request(`${ORIGIN}/things/1/echo`, init)).status).toBe(201);
    expect(seen[0]!.body).toHaveLength(MAX_AUTH_BODY_BYTES + 1);
    // The rest is read and thrown away (a keep-alive connection survives), but not forever.
    await expect.poll(() => cancelled).toBe(true);
    expect(pulled * 1024).toBeLessThan(MAX_AUTH_BODY_BYTES + MAX_DISCARDED_BODY_BYTES + 4 * 1024);
  });

  it('still gets the body when an earlier middleware read it through Hono', async () => {
    const { seen, source } = recordingRoutes();
    const app = new Hono();
    app.use(validator('json', (value) => value));
    app.route('/', authRoutes(source, { getConnInfo: loopback }));
    const response = await app.request('/things/1/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"b":2}',
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(seen[0]!.body as string)).toEqual({ b: 2 });
  });
});

describe('errors in the contract’s shape', () => {
  const auth = { errorResponse: (error: unknown) => errorResponse(error), authorize: () => {} };
  const app = new Hono();
  app.use(securityHeaders());
  app.post('/limited', bodyLimit({ maxSize: 8 }), (c) => c.text('ok'));
  app.post(
    '/validated',
    validator('json', (value) => value),
    (c) => c.json(c.req.valid('json')),
  );
  app.get('/auth-error', () => {
    throw new AuthError('not_found', 'No such report');
  });
  app.get('/teapot', () => {
    throw new HTTPException(418, { message: 'short and stout' });
  });
  app.get('/bug', () => {
    throw new Error('postgres://user:hunter2@db');
  });
  app.get('/misordered', requireRoles(auth, 'admin'), (c) => c.text('never'));
  app.get('/redirect', () => Response.redirect(`${ORIGIN}/elsewhere`, 302));
  app.get('/powered', (c) => {
    c.header('X-Powered-By', 'Hono');
    return c.text('hi');
  });
  app.notFound(notFound(auth));
  app.onError(onError(auth));

  it('maps Hono’s 413, 400 and 404 to payload_too_large, invalid_request and not_found', async () => {
    await expectError(
      await app.request('/limited', { method: 'POST', body: 'x'.repeat(64) }),
      413,
      'payload_too_large',
    );
    await expectError(
      await app.request('/validated', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      }),
      400,
      'invalid_request',
    );
    await expectError(await app.request('/nowhere'), 404, 'not_found');
    await expectError(await app.request('/auth-error'), 404, 'not_found');
  });

  it('answers a bug with a bare 500 that reveals nothing, and misordered middleware as a bug', async () => {
    const bug = await app.request('/bug');
    expect(await bug.clone().text()).not.toContain('hunter2');
    await expectError(bug, 500, 'server_error');
    await expectError(await app.request('/misordered'), 500, 'server_error');
  });

  it('keeps another HTTPException’s own response, with the security headers', async () => {
    const response = await app.request('/teapot');
    expect(response.status).toBe(418);
    expect(await response.text()).toBe('short and stout');
    expectSecurityHeaders(response);
  });

  it('sets the security headers on immutable responses and drops X-Powered-By', async () => {
    const redirect = await app.request('/redirect');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`${ORIGIN}/elsewhere`);
    expectSecurityHeaders(redirect);
    expectSecurityHeaders(await app.request('/powered'));
  });
});

describe('options are checked at start-up', () => {
  const auth = { authenticate: async () => Promise.reject(new Error()), authorize: () => {}, errorResponse };
  it.each([
    ['an empty via', () => authenticate(auth, { via: [] })],
    ['an unknown credential source', () => authenticate(auth, { via: ['apikey' as 'apiKey'] })],
    ['no role', () => requireRoles(auth)],
    ['an empty scope', () => requireScopes(auth, '')],
    ['something that is not a requirement', () => authorize(auth, { kind: 'everything' } as never)],
    [
      'a getConnInfo that is not a function',
      () => authRoutes({ routes: [], errorResponse }, { getConnInfo: 1 as never }),
    ],
    // No address to count clients by: one client could lock everyone out, so it never starts.
    ['no getConnInfo', () => authRoutes({ routes: [], errorResponse }, {} as never)],
    [
      'no options at all',
      () => (authRoutes as (source: AuthRouteSource) => unknown)({ routes: [], errorResponse }),
    ],
  ])('throws TypeError for %s', (_label, build) => {
    expect(build).toThrow(TypeError);
  });
});

describe('an edge app: an authenticator built from core’s edge-safe parts, without createAuth', async () => {
  const issuer = 'https://idp.example';
  const keyring = await createKeyring({ algorithm: 'ES256' });
  const tokens = createAccessTokenIssuer({ keyring, issuer, audience: 'reports-api' });
  // On an edge runtime, `keys` would be createRemoteKeySet(new URL('https://idp.example/.well-known/jwks.json')).
  const verifier = createAccessTokenVerifier({ keys: keyring, issuer, audience: 'reports-api' });
  const policy = createPolicy();
  const edgeAuth: Authenticator = {
    async authenticate(request) {
      assertNoCredentialsInUrl(request.url);
      const token = extractBearerToken(request.headers);
      if (token === null) throw missingCredentials();
      return { ...(await verifier.verify(token)), method: 'bearer' };
    },
    authorize: (principal, requirement) => policy.enforce(principal, requirement),
    errorResponse: (error) => errorResponse(error),
  };

  // No onError: Hono's default handler answers the middleware's HTTPException with its response.
  const app = new Hono();
  app.use(securityHeaders());
  app.get(
    '/reports',
    authenticate(edgeAuth),
    requireRoles(edgeAuth, 'analyst'),
    authorize(edgeAuth, allOf(scopes('reports:read'))),
    (c) => c.json({ subject: c.get('auth').subject, method: c.get('auth').method }),
  );

  it('authenticates, authorises and refuses in the contract’s words', async () => {
    const { token } = await tokens.issue({ subject: 'svc-1', roles: ['analyst'], scopes: ['reports:read'] });
    const ok = await app.request('/reports', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: 'svc-1', method: 'bearer' });
    expectSecurityHeaders(ok);

    const none = await app.request('/reports');
    await expectError(none, 401, 'invalid_request');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="portcullis"');

    const { token: viewer } = await tokens.issue({ subject: 'svc-2', roles: ['viewer'] });
    const forbidden = await app.request('/reports', { headers: { authorization: `Bearer ${viewer}` } });
    await expectError(forbidden, 403, 'insufficient_scope');
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');

    await expectError(await app.request(`/reports?access_token=${token}`), 400, 'invalid_request');
  });
});
