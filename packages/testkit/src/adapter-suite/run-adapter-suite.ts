import {
  ACR_MFA,
  ACR_SINGLE_FACTOR,
  type Auth,
  createAuth,
  createDpopProver,
  createMemoryMailer,
  createMemoryStores,
  createMemoryUserDirectory,
} from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTestApp, Inject, InjectedResponse } from './types.js';

export const SUITE_ORIGIN = 'http://127.0.0.1:3000';
const PASSWORD = 'correct horse battery staple';
const ACCESS = '__Host-portcullis-access';
const REFRESH = '__Host-portcullis-refresh';
const SID = '__Host-portcullis-sid';
const STEP_UP = 'A more recent or stronger authentication is required';
const STEP_UP_CHALLENGE = `Bearer realm="portcullis", error="insufficient_user_authentication", error_description="${STEP_UP}"`;

function setCookies(response: InjectedResponse): string[] {
  const value = response.headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function cookieValue(response: InjectedResponse, name: string): string | undefined {
  const line = setCookies(response).find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0]?.slice(name.length + 1) || undefined;
}

function json(response: InjectedResponse): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

function expectSecurityHeaders(response: InjectedResponse) {
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-frame-options']).toBe('DENY');
  expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['x-powered-by']).toBeUndefined();
}

function expectError(response: InjectedResponse, status: number, error: string, description?: string) {
  expect(response.status).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
  const body = json(response);
  expect(body['error']).toBe(error);
  expect(typeof body['error_description']).toBe('string');
  if (description !== undefined) expect(body['error_description']).toBe(description);
  expectSecurityHeaders(response);
}

/**
 * The adapter behaviour table, written once and run against every adapter: the same requests must yield
 * the same status, headers, cookies and bodies on each framework.
 *
 * @example runAdapterSuite('express', async (auth, count) => { const app = express(); …; return { inject } });
 */
export function runAdapterSuite(name: string, createApp: CreateTestApp): void {
  describe(`adapter contract: ${name}`, () => {
    let auth: Auth;
    let inject: Inject;
    let close: (() => Promise<void>) | undefined;
    let host = 'api.adapter-suite.test';
    const users = createMemoryUserDirectory();
    // Core's account mail, kept in memory: the suite follows the links as a user would from their inbox.
    const mailer = createMemoryMailer();
    const linkToken = mailer.linkToken;

    beforeAll(async () => {
      auth = await createAuth({
        stores: createMemoryStores(),
        users,
        issuer: SUITE_ORIGIN,
        audience: 'portcullis-demo',
        appOrigin: SUITE_ORIGIN,
        apiKeys: {
          pepper: 'adapter-suite-pepper-7Qm2xK9vR4tL8wN3zB6c',
          // `reports:admin` is an admin's only: a user asking for it must get 403 on every framework.
          scopes: ['reports:read', 'reports:write', 'reports:admin'],
        },
        policy: {
          roles: {
            user: { permissions: ['reports:read', 'reports:write'] },
            admin: { inherits: ['user'], permissions: ['reports:admin'] },
          },
        },
        registration: 'open',
        // The table registers a few dozen accounts from one address; the limit itself is core's test.
        accounts: { registerLimit: 1000 },
        mail: { mailer },
        passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 } },
        roleFor: (email) => (email.startsWith('admin') ? 'admin' : 'user'),
        // Every harness connects from loopback (supertest, Fastify's inject, Hono's getConnInfo stub): a proxy.
        trustProxy: ['loopback'],
      });
      const app = await createApp(auth, async () => users.count());
      inject = app.inject;
      close = app.close;
      host = app.host ?? host;
    });
    afterAll(async () => {
      await close?.();
    });

    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    async function login(email: string) {
      await post('/auth/register', { email, password: PASSWORD });
      const response = await post('/auth/login', { email, password: PASSWORD });
      expect(response.status).toBe(200);
      return { response, token: json(response)['access_token'] as string };
    }

    it('serves /healthz with the security headers and no X-Powered-By', async () => {
      const response = await inject({ method: 'GET', url: '/healthz' });
      expect(response.status).toBe(200);
      expect(json(response)).toEqual({ status: 'ok' });
      expectSecurityHeaders(response);
    });

    it('answers 401 with a bare Bearer challenge when no credentials are sent', async () => {
      const response = await inject({ method: 'GET', url: '/me' });
      expectError(response, 401, 'invalid_request', 'No token provided');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
    });

    it.each([
      ['a wrong scheme', 'Basic dXNlcjpwYXNz', 'Malformed authorization header'],
      ['extra parts', 'Bearer a b', 'Malformed authorization header'],
      ['no token', 'Bearer ', 'No token provided'],
    ])('answers 401 invalid_request for %s', async (_label, authorization, message) => {
      const response = await inject({ method: 'GET', url: '/me', headers: { authorization } });
      expectError(response, 401, 'invalid_request', message);
      expect(response.headers['www-authenticate']).toContain('error="invalid_request"');
    });

    it('refuses two Authorization headers', async () => {
      const { token } = await login('dup@example.com');
      const response = await inject({
        method: 'GET',
        url: '/me',
        headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] },
      });
      expectError(response, 401, 'invalid_request', 'Malformed authorization header');
    });

    it('answers 401 invalid_token for a rejected token', async () => {
      const response = await inject({
        method: 'GET',
        url: '/me',
        headers: { authorization: 'Bearer abc.def.ghi' },
      });
      expectError(response, 401, 'invalid_token', 'Invalid token');
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="portcullis", error="invalid_token", error_description="Invalid token"',
      );
    });

    it('refuses credentials in the URL with 400 even when a valid header is present', async () => {
      const { token } = await login('url@example.com');
      for (const param of ['access_token', 'token', 'api_key', 'apikey']) {
        const response = await inject({
          method: 'GET',
          url: `/me?${param}=${token}`,
          headers: { authorization: `Bearer ${token}` },
        });
        expectError(response, 400, 'invalid_request');
      }
      const onAuthRoute = await inject({
        method: 'POST',
        url: '/auth/logout?access_token=x',
        headers: { authorization: `Bearer ${token}` },
      });
      expectError(onAuthRoute, 400, 'invalid_request');
    });

    it('registers, logs in, and serves /me by bearer and by access cookie', async () => {
      const registered = await post('/auth/register', { email: 'Carol@Example.com', password: PASSWORD });
      expect(registered.status).toBe(201);
      expect(registered.headers['cache-control']).toBe('no-store');
      const user = json(registered);
      expect(user).toEqual({
        id: expect.any(String),
        email: 'carol@example.com',
        role: 'user',
        email_verified: false,
      });
      const response = await post('/auth/login', { email: 'carol@example.com', password: PASSWORD });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = json(response);
      expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
      const cookies = setCookies(response);
      expect(cookies.find((c) => c.startsWith(`${ACCESS}=`))).toMatch(
        /; Max-Age=900; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      expect(cookies.find((c) => c.startsWith(`${REFRESH}=`))).toMatch(
        /; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
      );

      const byBearer = await inject({
        method: 'GET',
        url: '/me',
        headers: { authorization: `Bearer ${body['access_token']}` },
      });
      expect(byBearer.status).toBe(200);
      expect(json(byBearer)).toEqual(user);
      expectSecurityHeaders(byBearer);
      const byCookie = await inject({
        method: 'GET',
        url: '/me',
        headers: { cookie: `${ACCESS}=${cookieValue(response, ACCESS)}` },
      });
      expect(byCookie.status).toBe(200);
      expect(json(byCookie)).toEqual(user);
    });

    it('answers 401 invalid_credentials identically for an unknown e-mail and a wrong password', async () => {
      await login('dave@example.com');
      const wrong = await post('/auth/login', { email: 'dave@example.com', password: 'wrong password here' });
      const unknown = await post('/auth/login', {
        email: 'nobody@example.com',
        password: 'wrong password here',
      });
      expectError(wrong, 401, 'invalid_credentials');
      expect(unknown.status).toBe(wrong.status);
      expect(unknown.body).toBe(wrong.body);
      expect(setCookies(unknown)).toEqual([]);
    });

    it('enforces roles: 403 insufficient_scope for a user, 200 for an admin', async () => {
      const { token: userToken } = await login('erin@example.com');
      const forbidden = await inject({
        method: 'GET',
        url: '/admin/stats',
        headers: { authorization: `Bearer ${userToken}` },
      });
      expectError(forbidden, 403, 'insufficient_scope');
      expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
      // An admin address gets its role only once verified, through the link mailed at registration.
      const { token: unverified } = await login('admin@example.com');
      expectError(
        await inject({
          method: 'GET',
          url: '/admin/stats',
          headers: { authorization: `Bearer ${unverified}` },
        }),
        403,
        'insufficient_scope',
      );
      const verified = await post('/auth/verify-email', {
        token: linkToken('admin@example.com', 'verify_email'),
      });
      expect(json(verified)).toMatchObject({ role: 'admin', email_verified: true });
      const { token: adminToken } = await login('admin@example.com');
      const allowed = await inject({
        method: 'GET',
        url: '/admin/stats',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(allowed.status).toBe(200);
      expect(json(allowed)['users']).toEqual(expect.any(Number));
    });

    /** A bearer token for `subject` as a login with `authentication` would have issued it (none: no auth_time). */
    async function tokenFor(subject: string, authentication?: { acr: string; authTime: number }) {
      const amr = authentication?.acr === ACR_MFA ? (['pwd', 'otp'] as const) : (['pwd'] as const);
      const { token } = await auth.accessTokens.issue({
        subject,
        roles: ['user'],
        ...(authentication === undefined ? {} : { authentication: { amr, ...authentication } }),
      });
      return token;
    }

    const bearerGet = (url: string, token: string) =>
      inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    it('accepts a DPoP-bound token with its proof (RFC 9449), and refuses it replayed, as Bearer, or with another key', async () => {
      // The proof names the URL the client called, at the host the harness passes on as the request's Host.
      const client = await createDpopProver();
      await post('/auth/register', { email: 'dpop@example.com', password: PASSWORD });
      const login = await post(
        '/auth/login',
        { email: 'dpop@example.com', password: PASSWORD },
        { host, dpop: await client.proof('POST', `http://${host}/auth/login`) },
      );
      expect(login.status).toBe(200);
      expect(json(login)['token_type']).toBe('DPoP');
      const token = json(login)['access_token'] as string;
      const withProof = (proof: string, scheme = 'DPoP') =>
        inject({
          method: 'GET',
          url: '/me',
          headers: { host, authorization: `${scheme} ${token}`, dpop: proof },
        });
      const proof = await client.proof('GET', `http://${host}/me`, { accessToken: token });
      const accepted = await withProof(proof);
      expect(accepted.status).toBe(200);
      const replayed = await withProof(proof);
      expectError(replayed, 401, 'invalid_dpop_proof');
      expect(replayed.headers['www-authenticate']).toMatch(
        /^DPoP realm="portcullis", error="invalid_dpop_proof"/,
      );
      const asBearer = await withProof(
        await client.proof('GET', `http://${host}/me`, { accessToken: token }),
        'Bearer',
      );
      expectError(asBearer, 401, 'invalid_token');
      const thief = await createDpopProver();
      expectError(
        await withProof(await thief.proof('GET', `http://${host}/me`, { accessToken: token })),
        401,
        'invalid_dpop_proof',
      );
    });

    it('enforces requireFreshAuth (RFC 9470): a recent login passes, an old or absent auth_time gets 401 max_age', async () => {
      const { token } = await login('stepup-fresh@example.com');
      const fresh = await bearerGet('/step-up/fresh', token);
      expect(fresh.status).toBe(200);
      const subject = json(fresh)['subject'] as string;
      expect(subject).toEqual(expect.any(String));
      const now = Math.floor(Date.now() / 1000);
      const recent = await tokenFor(subject, { acr: ACR_SINGLE_FACTOR, authTime: now - 300 });
      expect((await bearerGet('/step-up/fresh', recent)).status).toBe(200);
      const stale = await tokenFor(subject, { acr: ACR_SINGLE_FACTOR, authTime: now - 601 });
      for (const refusedToken of [stale, await tokenFor(subject)]) {
        const refused = await bearerGet('/step-up/fresh', refusedToken);
        expectError(refused, 401, 'insufficient_user_authentication', STEP_UP);
        expect(refused.headers['www-authenticate']).toBe(`${STEP_UP_CHALLENGE}, max_age="600"`);
      }
      // A session records its login's auth_time too.
      const started = await post('/auth/session', { email: 'stepup-fresh@example.com', password: PASSWORD });
      const cookie = `${SID}=${cookieValue(started, SID)}`;
      expect((await inject({ method: 'GET', url: '/step-up/fresh', headers: { cookie } })).status).toBe(200);
    });

    it('enforces requireAcr (RFC 9470): a single-factor login gets 401 acr_values, a second factor passes', async () => {
      const { token } = await login('stepup-acr@example.com');
      const refused = await bearerGet('/step-up/mfa', token);
      expectError(refused, 401, 'insufficient_user_authentication', STEP_UP);
      expect(refused.headers['www-authenticate']).toBe(`${STEP_UP_CHALLENGE}, acr_values="${ACR_MFA}"`);
      const subject = json(await bearerGet('/me', token))['id'] as string;
      const authTime = Math.floor(Date.now() / 1000);
      const mfa = await bearerGet('/step-up/mfa', await tokenFor(subject, { acr: ACR_MFA, authTime }));
      expect(mfa.status).toBe(200);
      expect(json(mfa)).toEqual({ subject });
    });

    it('rotates the refresh cookie only with the app Origin (CSRF), and detects reuse', async () => {
      const { response } = await login('frank@example.com');
      const refreshCookie = `${REFRESH}=${cookieValue(response, REFRESH)}`;
      const refused = await inject({
        method: 'POST',
        url: '/auth/refresh',
        headers: { cookie: refreshCookie },
      });
      expectError(refused, 403, 'csrf_failed');
      const rotated = await inject({
        method: 'POST',
        url: '/auth/refresh',
        headers: { cookie: refreshCookie, origin: SUITE_ORIGIN },
      });
      expect(rotated.status).toBe(200);
      expect(cookieValue(rotated, REFRESH)).not.toBe(cookieValue(response, REFRESH));
      const replay = await inject({
        method: 'POST',
        url: '/auth/refresh',
        headers: { cookie: refreshCookie, origin: SUITE_ORIGIN },
      });
      expectError(replay, 401, 'invalid_grant');
      const newest = await post('/auth/refresh', { refresh_token: cookieValue(rotated, REFRESH) });
      expectError(newest, 401, 'invalid_grant');
    });

    it('manages API keys and serves /service/reports by X-API-Key with scopes', async () => {
      const { token } = await login('grace@example.com');
      const bearer = { authorization: `Bearer ${token}` };
      const created = await post('/api-keys', { name: 'reports', scopes: ['reports:read'] }, bearer);
      expect(created.status).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      const key = json(created);
      expect(key).toMatchObject({
        name: 'reports',
        scopes: ['reports:read'],
        prefix: 'pc_live',
        expires_at: null,
      });
      const reports = await inject({
        method: 'GET',
        url: '/service/reports',
        headers: { 'x-api-key': key['key'] as string },
      });
      expect(reports.status).toBe(200);
      expect(json(reports)).toEqual({ reports: expect.any(Array), key_id: key['id'] });

      const writeOnly = json(await post('/api-keys', { name: 'w', scopes: ['reports:write'] }, bearer));
      const forbidden = await inject({
        method: 'GET',
        url: '/service/reports',
        headers: { 'x-api-key': writeOnly['key'] as string },
      });
      expectError(forbidden, 403, 'insufficient_scope');
      // The challenge names the scheme the request used: an API key, not a bearer token.
      expect(forbidden.headers['www-authenticate']).toBe(
        'ApiKey realm="portcullis", error="insufficient_scope", error_description="Insufficient privileges"',
      );
      expectError(await inject({ method: 'GET', url: '/service/reports' }), 401, 'invalid_request');
      expectError(
        await inject({ method: 'GET', url: '/service/reports', headers: bearer }),
        401,
        'invalid_request',
      );
      expectError(
        await inject({ method: 'GET', url: '/service/reports', headers: { 'x-api-key': 'pc_live_nope' } }),
        401,
        'invalid_token',
      );

      const listed = await inject({ method: 'GET', url: '/api-keys', headers: bearer });
      expect(listed.status).toBe(200);
      expect(listed.body).not.toContain(key['key'] as string);
      expect(
        await inject({ method: 'DELETE', url: `/api-keys/${key['id']}`, headers: bearer }),
      ).toMatchObject({ status: 204 });
      expectError(
        await inject({
          method: 'GET',
          url: '/service/reports',
          headers: { 'x-api-key': key['key'] as string },
        }),
        401,
        'invalid_token',
      );
      expectError(
        await inject({ method: 'DELETE', url: `/api-keys/${key['id']}x`, headers: bearer }),
        404,
        'not_found',
      );
      expectError(
        await post('/api-keys', { name: 'bad', scopes: ['admin'] }, bearer),
        400,
        'invalid_request',
      );
      const beyondRole = await post('/api-keys', { name: 'bad', scopes: ['reports:admin'] }, bearer);
      expectError(beyondRole, 403, 'insufficient_scope');
      expect(beyondRole.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('serves the account routes: verify-email, forgot and reset, change (cookie + Origin)', async () => {
      const { response } = await login('judy@example.com');
      const verified = await post('/auth/verify-email', {
        token: linkToken('judy@example.com', 'verify_email'),
      });
      expect(verified.status).toBe(200);
      expectError(
        await post('/auth/verify-email', { token: linkToken('judy@example.com', 'verify_email') }),
        400,
        'invalid_grant',
      );
      const forgot = await post('/auth/password/forgot', { email: 'judy@example.com' });
      expect(forgot.status).toBe(202);
      expect(json(forgot)).toEqual({});
      await expect.poll(() => linkToken('judy@example.com', 'reset_password')).toBeDefined();
      const newPassword = 'the second passphrase of judy';
      const reset = await post('/auth/password/reset', {
        token: linkToken('judy@example.com', 'reset_password'),
        password: newPassword,
      });
      expect(reset.status).toBe(204);
      expectError(
        await post('/auth/refresh', { refresh_token: cookieValue(response, REFRESH) }),
        401,
        'invalid_grant',
      );
      const again = await post('/auth/login', { email: 'judy@example.com', password: newPassword });
      const cookie = `${ACCESS}=${cookieValue(again, ACCESS)}`;
      const body = { current_password: newPassword, new_password: PASSWORD };
      expectError(await post('/auth/password/change', body, { cookie }), 403, 'csrf_failed');
      const changed = await post('/auth/password/change', body, { cookie, origin: SUITE_ORIGIN });
      expect(changed.status).toBe(200);
      expect(changed.headers['cache-control']).toBe('no-store');
      expect(cookieValue(changed, ACCESS)).toBeDefined();
      expect(cookieValue(changed, REFRESH)).toBeDefined();
      expectError(
        await post('/auth/password/change', body, { cookie, origin: SUITE_ORIGIN }),
        401,
        'invalid_token',
      );
    });

    it('logs in with a session cookie and destroys it only with the app Origin', async () => {
      await post('/auth/register', { email: 'heidi@example.com', password: PASSWORD });
      const started = await post('/auth/session', { email: 'heidi@example.com', password: PASSWORD });
      expect(started.status).toBe(204);
      expect(setCookies(started).find((c) => c.startsWith(`${SID}=`))).toMatch(
        /; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      const cookie = `${SID}=${cookieValue(started, SID)}`;
      expect((await inject({ method: 'GET', url: '/me', headers: { cookie } })).status).toBe(200);
      expectError(
        await inject({ method: 'DELETE', url: '/auth/session', headers: { cookie } }),
        403,
        'csrf_failed',
      );
      const ended = await inject({
        method: 'DELETE',
        url: '/auth/session',
        headers: { cookie, origin: SUITE_ORIGIN },
      });
      expect(ended.status).toBe(204);
      expect(setCookies(ended).find((c) => c.startsWith(`${SID}=`))).toMatch(/Max-Age=0/);
      expect((await inject({ method: 'GET', url: '/me', headers: { cookie } })).status).toBe(401);
    });

    it('logs out with a bearer token: 204, cookies cleared, token revoked', async () => {
      const { token } = await login('ivan@example.com');
      const response = await inject({
        method: 'POST',
        url: '/auth/logout',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(204);
      expect(response.body).toBe('');
      expect(setCookies(response).filter((c) => /Max-Age=0/.test(c))).toHaveLength(2);
      expectError(
        await inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } }),
        401,
        'invalid_token',
      );
    });

    it('resolves the client from X-Forwarded-For identically: failures count per client behind a proxy', async () => {
      const email = 'proxied@example.com';
      const from = (forwardedFor: string) => ({ 'x-forwarded-for': forwardedFor });
      expect(
        (await post('/auth/register', { email, password: PASSWORD }, from('198.51.100.20'))).status,
      ).toBe(201);
      const attempt = (password: string, forwardedFor: string) =>
        post('/auth/login', { email, password }, from(forwardedFor));
      for (let i = 0; i < 5; i++)
        expectError(await attempt('wrong password here', '203.0.113.66'), 401, 'invalid_credentials');
      // The same client however the header spells it: a spoofed leftmost entry, a port, IPv4-mapped IPv6.
      for (const spelling of [
        '198.51.100.9, 203.0.113.66',
        '203.0.113.66:4711',
        '[::ffff:203.0.113.66]:80',
      ]) {
        const refused = await attempt(PASSWORD, spelling);
        expectError(refused, 429, 'rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
      // Another client of the same proxy is not locked out, nor is a direct client (no header).
      expect((await attempt(PASSWORD, '203.0.113.67')).status).toBe(200);
      expect((await post('/auth/login', { email, password: PASSWORD })).status).toBe(200);
      // IPv6 clients count per /64: the same network is one client, the next network another.
      for (let i = 1; i <= 5; i++)
        expectError(await attempt('wrong password here', `2001:db8:7:7::${i}`), 401, 'invalid_credentials');
      expectError(await attempt(PASSWORD, '2001:db8:7:7:ffff::1'), 429, 'rate_limited');
      expect((await attempt(PASSWORD, '2001:db8:7:8::1')).status).toBe(200);
    });

    it('answers bad input with 400 and oversized bodies with 413, and keeps serving', async () => {
      expectError(
        await inject({
          method: 'POST',
          url: '/auth/register',
          headers: { 'content-type': 'application/json' },
          body: '{"email":',
        }),
        400,
        'invalid_request',
      );
      expectError(await post('/auth/register', { email: ['a'], password: PASSWORD }), 400, 'invalid_request');
      expectError(
        await post('/auth/register', { email: 'x@example.com', password: PASSWORD, pad: 'x'.repeat(17_000) }),
        413,
        'payload_too_large',
      );
      expectError(
        await post('/auth/register', { email: 'short@example.com', password: 'short' }),
        400,
        'weak_password',
      );
      expect((await inject({ method: 'GET', url: '/healthz' })).status).toBe(200);
    });

    it('refuses a login body not declared as JSON (a cross-site text/plain form), setting no cookie', async () => {
      await post('/auth/register', { email: 'judy@example.com', password: PASSWORD });
      const response = await inject({
        method: 'POST',
        url: '/auth/login',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ email: 'judy@example.com', password: PASSWORD }),
      });
      expectError(response, 400, 'invalid_request');
      expect(setCookies(response)).toEqual([]);
    });

    it('refuses two X-API-Key headers', async () => {
      const { token } = await login('ken@example.com');
      const key = json(
        await post(
          '/api-keys',
          { name: 'k', scopes: ['reports:read'] },
          { authorization: `Bearer ${token}` },
        ),
      )['key'] as string;
      const response = await inject({
        method: 'GET',
        url: '/service/reports',
        headers: { 'x-api-key': [key, key] },
      });
      expectError(response, 401, 'invalid_request');
    });

    it('answers an unknown route with 404 not_found', async () => {
      expectError(await inject({ method: 'GET', url: '/no/such/route' }), 404, 'not_found');
    });

    it('serves the JWKS with public keys only', async () => {
      const response = await inject({ method: 'GET', url: '/.well-known/jwks.json' });
      expect(response.status).toBe(200);
      const { keys } = json(response) as { keys: Record<string, unknown>[] };
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).toMatchObject({ kid: expect.any(String), alg: 'EdDSA', use: 'sig' });
        expect(key['d']).toBeUndefined();
      }
    });
  });
}
