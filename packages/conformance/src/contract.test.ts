// The HTTP contract (docs/demo-http-contract.md), row by row and rule by rule, over HTTP against every demo
// app running as a real process: with the embedded PGlite store, and with PostgreSQL + Redis.
import { generateSigningKey } from '@portcullis/core';
import { probeService } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountLifecycleTests } from './account-lifecycle.js';
import { createClient, freshClientAddress, type Request, secret, secretsSeen } from './client.js';
import { type ContractTarget, contractSteps } from './contract-steps.js';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';
import { ACCESS, email, freshPassword, REFRESH, SID, sleep } from './fixtures.js';
import { loginThrottlingTests, MAX_FAILURES_PER_ACCOUNT } from './login-throttling.js';
import { expectError, expectSecurityHeaders } from './reply-expectations.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const postgres = await probeService('PostgreSQL', DATABASE_URL);
const redis = await probeService('Redis', REDIS_URL);

// Unique per run, so that finding it in a log can only mean the app printed what it was sent.
const PASSWORD = freshPassword('battery');
const ADMIN = 'admin@example.com';
// A second admin address, which the "registering first" attack test registers before anyone verifies it.
const ADMIN_EMAILS = `${ADMIN},first-${ADMIN}`;
const DEFAULT_FROM = { name: 'portcullis demo', address: 'no-reply@localhost' };

const storages = [
  { name: 'embedded PGlite', networked: false },
  { name: 'PostgreSQL + Redis', networked: true },
];

describe.each(FRAMEWORKS)('%s demo', (framework) => {
  describe.each(storages)('on $name', (storage) => {
    const enabled = !storage.networked || (postgres.available && redis.available);
    const schema = `pc_conf_${framework}_${process.pid}_${Date.now().toString(36)}`;
    const prefix = `${schema}:`;
    // MAIL_FROM is left at its default on one storage and set on the other, so both are checked.
    const mailFrom = storage.networked
      ? { name: 'Conformance Mail', address: `conformance-${framework}@example.com` }
      : DEFAULT_FROM;
    let app: DemoProcess;
    let http: Request;
    let origin: string;
    let target: ContractTarget;

    beforeAll(async () => {
      if (!enabled) return;
      app = await startDemo(framework, {
        ADMIN_EMAILS,
        LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_FAILURES_PER_ACCOUNT),
        ...(storage.networked
          ? {
              DATABASE_URL,
              REDIS_URL,
              PORTCULLIS_SCHEMA: schema,
              PORTCULLIS_REDIS_PREFIX: prefix,
              MAIL_FROM: `${mailFrom.name} <${mailFrom.address}>`,
            }
          : {}),
      });
      http = createClient(app.url);
      origin = app.url;
      target = { app, http, origin, mailFrom, password: PASSWORD, admin: ADMIN };
    }, 90_000);

    afterAll(async () => {
      if (!enabled) return;
      await app?.stop();
      if (storage.networked) {
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
        const r = new Redis(REDIS_URL);
        const keys = await r.keys(`${prefix}*`);
        if (keys.length > 0) await r.del(...keys);
        await r.quit();
      }
    }, 30_000);

    const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
      http('POST', path, { body, headers });

    const signIn = (address = email('user')) => contractSteps(target).signIn(address);
    const adminSignIn = () => contractSteps(target).adminSignIn();

    it.skipIf(!enabled)(
      'GET /healthz → 200 {"status":"ok"}; security headers on every kind of response; no X-Powered-By',
      async () => {
        const health = await http('GET', '/healthz');
        expect(health.status).toBe(200);
        expect(health.json).toEqual({ status: 'ok' });
        expectSecurityHeaders(health);
        expectSecurityHeaders(await http('GET', '/me'));
        expectSecurityHeaders(await http('GET', '/no/such/route'));
        expectSecurityHeaders(await http('GET', '/healthz?token=x'));
        expectSecurityHeaders(await post('/auth/register', { pad: 'x'.repeat(20_000) }));
        expectSecurityHeaders(await http('GET', '/'));
      },
    );

    it.skipIf(!enabled)('GET /.well-known/jwks.json → public JWKs only, cacheable', async () => {
      const jwks = await http('GET', '/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.headers.get('cache-control')).not.toContain('no-store');
      const keys = jwks.json['keys'] as Record<string, unknown>[];
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).toMatchObject({ kid: expect.any(String), alg: expect.any(String), use: 'sig' });
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key[member]).toBeUndefined();
      }
    });

    it.skipIf(!enabled)(
      'POST /auth/register → 201 {id,email,role:"user",email_verified:false} and a verification mail; 400 invalid_request / weak_password; 409 email_taken',
      async () => {
        const address = email('reg');
        const created = await post('/auth/register', { email: address, password: PASSWORD });
        expect(created.status).toBe(201);
        expect(created.json).toEqual({
          id: expect.any(String),
          email: address,
          role: 'user',
          email_verified: false,
        });
        expect(created.headers.get('cache-control')).toBe('no-store');
        await contractSteps(target).mail(address, 'verify-email');
        expectError(
          await post('/auth/register', { email: address.toUpperCase(), password: `${PASSWORD}!` }),
          409,
          'email_taken',
        );
        for (const weak of ['elevenchars', 'x'.repeat(129), 'password1234']) {
          expectError(
            await post('/auth/register', { email: email('weak'), password: weak }),
            400,
            'weak_password',
          );
        }
        expectError(await post('/auth/register', { email: 42, password: PASSWORD }), 400, 'invalid_request');
        expectError(
          await http('POST', '/auth/register', {
            raw: '{"email":',
            headers: { 'content-type': 'application/json' },
          }),
          400,
          'invalid_request',
        );
        // No account was made by any of the refused ones: no mail to any of them.
        const mailed = new Set((await app.outbox.all()).map((m) => m.to));
        expect(mailed.has(address.toUpperCase().toLowerCase())).toBe(true);
        expect([...mailed].filter((to) => to.startsWith('weak-'))).toEqual([]);
      },
    );

    it.skipIf(!enabled)(
      'POST /auth/login → 200 with both cookies exactly as the contract lists them',
      async () => {
        const address = email('login');
        await post('/auth/register', { email: address, password: PASSWORD });
        const login = await post('/auth/login', { email: address, password: PASSWORD });
        expect(login.status).toBe(200);
        expect(login.json).toEqual({
          access_token: expect.any(String),
          token_type: 'Bearer',
          expires_in: 900,
        });
        expect(login.headers.get('cache-control')).toBe('no-store');
        const access = login.setCookies.find((c) => c.startsWith(`${ACCESS}=`))!;
        const refresh = login.setCookies.find((c) => c.startsWith(`${REFRESH}=`))!;
        expect(access).toMatch(/; Max-Age=900; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
        expect(refresh).toMatch(/; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
        for (const cookie of [access, refresh]) expect(cookie.toLowerCase()).not.toContain('domain=');
      },
    );

    it.skipIf(!enabled)(
      'login: the same 401 for an unknown e-mail and a wrong password; 429 after 5 failures, even for the right password',
      async () => {
        const address = email('throttle');
        await post('/auth/register', { email: address, password: PASSWORD });
        const wrong = await post('/auth/login', { email: address, password: secret('wrong password 0') });
        const unknown = await post('/auth/login', {
          email: email('nobody'),
          password: secret('wrong password 0'),
        });
        expectError(wrong, 401, 'invalid_credentials');
        expect(unknown.status).toBe(wrong.status);
        expect(unknown.text).toBe(wrong.text);
        expect(unknown.setCookies).toEqual([]);
        // Trimmed and lower-cased before counting: these all count against one e-mail.
        for (const variant of [`  ${address.toUpperCase()}`, address, `${address} `, address]) {
          expectError(
            await post('/auth/login', { email: variant, password: freshPassword('wrong') }),
            401,
            'invalid_credentials',
          );
        }
        const blocked = await post('/auth/login', { email: address, password: PASSWORD });
        expectError(blocked, 429, 'rate_limited');
        const retryAfter = Number(blocked.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(900);
        expect(blocked.setCookies).toEqual([]);
      },
    );

    it.skipIf(!enabled)('401 and 403 carry the RFC 6750 challenge the contract describes', async () => {
      const none = await http('GET', '/me');
      expectError(none, 401, 'invalid_request', 'No token provided');
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="portcullis"');
      for (const [authorization, message] of [
        ['Basic dXNlcjpwYXNz', 'Malformed authorization header'],
        ['Bearer a b', 'Malformed authorization header'],
        ['Bearer', 'No token provided'],
      ] as const) {
        const reply = await http('GET', '/me', { headers: { authorization } });
        expectError(reply, 401, 'invalid_request', message);
        expect(reply.headers.get('www-authenticate')).toContain('error="invalid_request"');
      }
      const user = await signIn();
      // Two Authorization header lines, as a raw HTTP request.
      const doubled = await rawRequest(
        origin,
        `GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: ${user.bearer.authorization}\r\nAuthorization: ${user.bearer.authorization}\r\nConnection: close\r\n\r\n`,
      );
      expect(doubled).toMatch(/^HTTP\/1\.1 401/);
      expect(doubled).toContain('Malformed authorization header');
      const invalid = await http('GET', '/me', { headers: { authorization: 'Bearer abc.def.ghi' } });
      expectError(invalid, 401, 'invalid_token', 'Invalid token');
      expect(invalid.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const forbidden = await http('GET', '/admin/stats', { headers: user.bearer });
      expectError(forbidden, 403, 'insufficient_scope');
      expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    });

    it.skipIf(!enabled)(
      'refuses access_token, token, api_key and apikey in the URL on every route with 400, even with valid credentials',
      async () => {
        const user = await signIn();
        for (const param of ['access_token', 'token', 'api_key', 'apikey']) {
          for (const path of [
            '/me',
            '/healthz',
            '/.well-known/jwks.json',
            '/api-keys',
            '/service/reports',
            '/',
          ]) {
            expectError(
              await http('GET', `${path}?${param}=${user.token}`, { headers: user.bearer }),
              400,
              'invalid_request',
            );
          }
          const login = await post(`/auth/login?${param}=x`, { email: user.email, password: PASSWORD });
          expectError(login, 400, 'invalid_request');
          expect(login.setCookies).toEqual([]);
        }
      },
    );

    it.skipIf(!enabled)('GET /me, /admin/stats by bearer, access cookie and session cookie', async () => {
      const user = await signIn();
      const me = await http('GET', '/me', { headers: user.bearer });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({
        id: expect.any(String),
        email: user.email,
        role: 'user',
        email_verified: false,
      });
      expect(
        (await http('GET', '/me', { headers: { cookie: `${ACCESS}=${user.accessCookie}` } })).json,
      ).toEqual(me.json);
      const admin = await adminSignIn();
      expect((await http('GET', '/me', { headers: admin.bearer })).json).toMatchObject({
        role: 'admin',
        email_verified: true,
      });
      const stats = await http('GET', '/admin/stats', { headers: admin.bearer });
      expect(stats.status).toBe(200);
      expect(stats.json['users']).toEqual(expect.any(Number));
      expect(stats.json['users']).toBeGreaterThanOrEqual(2);
      expectError(await http('GET', '/admin/stats'), 401, 'invalid_request');
    });

    it.skipIf(!enabled)(
      'POST /auth/refresh rotates; by cookie only with the app Origin (a refused one spends nothing); reuse revokes the family',
      async () => {
        const user = await signIn();
        const cookie = `${REFRESH}=${user.refresh}`;
        for (const headers of [
          { cookie } as Record<string, string>,
          { cookie, origin: 'https://evil.example' },
          { cookie, origin: 'null' },
        ]) {
          expectError(await http('POST', '/auth/refresh', { headers }), 403, 'csrf_failed');
        }
        const rotated = await http('POST', '/auth/refresh', { headers: { cookie, origin } });
        expect(rotated.status).toBe(200);
        expect(rotated.json).toEqual({
          access_token: expect.any(String),
          token_type: 'Bearer',
          expires_in: 900,
        });
        expect(rotated.headers.get('cache-control')).toBe('no-store');
        const newest = rotated.cookie(REFRESH)!;
        expect(newest).not.toBe(user.refresh);
        const byBody = await post('/auth/refresh', { refresh_token: newest });
        expect(byBody.status).toBe(200);
        const latest = byBody.cookie(REFRESH)!;
        const replay = await post('/auth/refresh', { refresh_token: user.refresh });
        expectError(replay, 401, 'invalid_grant');
        expectError(await post('/auth/refresh', { refresh_token: latest }), 401, 'invalid_grant');
        expectError(await post('/auth/refresh', { refresh_token: 'A'.repeat(43) }), 401, 'invalid_grant');
      },
    );

    it.skipIf(!enabled)(
      'POST /auth/logout → 204, revokes the family and the token; by cookie only with the Origin',
      async () => {
        const user = await signIn();
        const out = await post('/auth/logout', undefined, user.bearer);
        expect(out.status).toBe(204);
        expect(out.setCookies.filter((c) => /Max-Age=0/.test(c))).toHaveLength(2);
        expectError(await http('GET', '/me', { headers: user.bearer }), 401, 'invalid_token');
        expectError(await post('/auth/refresh', { refresh_token: user.refresh }), 401, 'invalid_grant');

        const other = await signIn();
        const cookies = { cookie: `${REFRESH}=${other.refresh}; ${ACCESS}=${other.accessCookie}` };
        expectError(await post('/auth/logout', undefined, cookies), 403, 'csrf_failed');
        expect((await post('/auth/logout', undefined, { ...cookies, origin })).status).toBe(204);
        expectError(await post('/auth/refresh', { refresh_token: other.refresh }), 401, 'invalid_grant');
      },
    );

    it.skipIf(!enabled)(
      'POST /auth/session → 204 and a fresh session id at every login; DELETE only with the Origin',
      async () => {
        const address = email('session');
        await post('/auth/register', { email: address, password: PASSWORD });
        const first = await post('/auth/session', { email: address, password: PASSWORD });
        expect(first.status).toBe(204);
        expect(first.setCookies.find((c) => c.startsWith(`${SID}=`))).toMatch(
          /; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
        );
        const sid1 = first.cookie(SID)!;
        const second = await post(
          '/auth/session',
          { email: address, password: PASSWORD },
          { cookie: `${SID}=${sid1}` },
        );
        const sid2 = second.cookie(SID)!;
        expect(sid2).not.toBe(sid1);
        expect((await http('GET', '/me', { headers: { cookie: `${SID}=${sid2}` } })).json['email']).toBe(
          address,
        );
        expect((await http('GET', '/me', { headers: { cookie: `${SID}=${sid1}` } })).status).toBe(401);
        expectError(
          await http('DELETE', '/auth/session', { headers: { cookie: `${SID}=${sid2}` } }),
          403,
          'csrf_failed',
        );
        const ended = await http('DELETE', '/auth/session', {
          headers: { cookie: `${SID}=${sid2}`, origin },
        });
        expect(ended.status).toBe(204);
        expect((await http('GET', '/me', { headers: { cookie: `${SID}=${sid2}` } })).status).toBe(401);
        expectError(
          await post('/auth/session', { email: address, password: 'wrong password!!' }),
          401,
          'invalid_credentials',
        );
      },
    );

    it.skipIf(!enabled)(
      'API keys: create once, list without secrets, scopes, revoke at once, 404 for another user, expiry',
      async () => {
        const owner = await signIn();
        const stranger = await signIn();
        const created = await post('/api-keys', { name: 'reports', scopes: ['reports:read'] }, owner.bearer);
        expect(created.status).toBe(201);
        expect(created.headers.get('cache-control')).toBe('no-store');
        expect(created.json).toMatchObject({
          id: expect.any(String),
          key: expect.any(String),
          prefix: expect.any(String),
          name: 'reports',
          scopes: ['reports:read'],
          expires_at: null,
        });
        expect(new Date(created.json['created_at'] as string).toISOString()).toBe(created.json['created_at']);
        const key = created.json['key'] as string;
        const listed = await http('GET', '/api-keys', { headers: owner.bearer });
        expect(Array.isArray(JSON.parse(listed.text))).toBe(true);
        expect(listed.text).not.toContain(key);
        expectError(
          await post('/api-keys', { name: 'x', scopes: ['admin'] }, owner.bearer),
          400,
          'invalid_request',
        );

        const reports = await http('GET', '/service/reports', { headers: { 'x-api-key': key } });
        expect(reports.status).toBe(200);
        expect(reports.json).toEqual({ reports: expect.any(Array), key_id: created.json['id'] });
        const writeOnly = (await post('/api-keys', { name: 'w', scopes: ['reports:write'] }, owner.bearer))
          .json['key'] as string;
        const forbidden = await http('GET', '/service/reports', { headers: { 'x-api-key': writeOnly } });
        expectError(forbidden, 403, 'insufficient_scope');
        expect(forbidden.headers.get('www-authenticate')).toMatch(
          /^ApiKey realm="portcullis", error="insufficient_scope"/,
        );
        expect((await http('GET', '/service/reports')).status).toBe(401);
        expect((await http('GET', '/service/reports', { headers: owner.bearer })).status).toBe(401);
        expect(
          (await http('GET', '/service/reports', { headers: { 'x-api-key': 'pc_live_malformed' } })).status,
        ).toBe(401);
        expect(
          (await http('GET', '/service/reports', { headers: { 'x-api-key': `${key.slice(0, -8)}AAAAAAAA` } }))
            .status,
        ).toBe(401);

        expectError(
          await http('DELETE', `/api-keys/${created.json['id']}`, { headers: stranger.bearer }),
          404,
          'not_found',
        );
        expectError(
          await post(`/api-keys/${created.json['id']}/roll`, {}, stranger.bearer),
          404,
          'not_found',
        );
        expect(
          (await http('DELETE', `/api-keys/${created.json['id']}`, { headers: owner.bearer })).status,
        ).toBe(204);
        expect((await http('GET', '/service/reports', { headers: { 'x-api-key': key } })).status).toBe(401);

        const shortLived = (
          await post('/api-keys', { name: 's', scopes: ['reports:read'], expires_in: 1 }, owner.bearer)
        ).json;
        expect(
          new Date(shortLived['expires_at'] as string).getTime() -
            new Date(shortLived['created_at'] as string).getTime(),
        ).toBe(1000);
        await sleep(1100);
        expect(
          (await http('GET', '/service/reports', { headers: { 'x-api-key': shortLived['key'] as string } }))
            .status,
        ).toBe(401);
      },
    );

    it.skipIf(!enabled)(
      'POST /api-keys/:id/roll → 201 new key; the old one works for grace_seconds (default 0)',
      async () => {
        const owner = await signIn();
        const use = (key: string) => http('GET', '/service/reports', { headers: { 'x-api-key': key } });
        const first = (await post('/api-keys', { name: 'ci', scopes: ['reports:read'] }, owner.bearer)).json;
        const rolled = await post(`/api-keys/${first['id']}/roll`, { grace_seconds: 1 }, owner.bearer);
        expect(rolled.status).toBe(201);
        expect(rolled.json['key']).not.toBe(first['key']);
        expect((await use(first['key'] as string)).status).toBe(200);
        expect((await use(rolled.json['key'] as string)).status).toBe(200);
        await sleep(1100);
        expect((await use(first['key'] as string)).status).toBe(401);
        const again = await post(`/api-keys/${rolled.json['id']}/roll`, {}, owner.bearer);
        expect(again.status).toBe(201);
        expect((await use(rolled.json['key'] as string)).status).toBe(401);
        expect((await use(again.json['key'] as string)).status).toBe(200);
      },
    );

    it.skipIf(!enabled)(
      'POST /admin/keys/rotate (admin) → 200 {kid}; both keys in the JWKS; old tokens keep verifying',
      async () => {
        const admin = await adminSignIn();
        const user = await signIn();
        expectError(await post('/admin/keys/rotate', undefined, user.bearer), 403, 'insufficient_scope');
        expectError(await post('/admin/keys/rotate'), 401, 'invalid_request');
        const before = ((await http('GET', '/.well-known/jwks.json')).json['keys'] as { kid: string }[]).map(
          (k) => k.kid,
        );
        const rotated = await post('/admin/keys/rotate', undefined, admin.bearer);
        expect(rotated.status).toBe(200);
        const kid = rotated.json['kid'] as string;
        const after = ((await http('GET', '/.well-known/jwks.json')).json['keys'] as { kid: string }[]).map(
          (k) => k.kid,
        );
        expect(after).toContain(kid);
        expect(after).toEqual(expect.arrayContaining(before));
        expect((await http('GET', '/me', { headers: user.bearer })).status).toBe(200);
        const fresh = await signIn();
        expect(JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
      },
    );

    it.skipIf(!enabled)(
      'bad input never gets a 500: 400 for non-JSON or wrongly typed bodies, 413 over 16 KiB, and the app keeps serving',
      async () => {
        for (const path of ['/auth/register', '/auth/login', '/auth/session', '/auth/refresh']) {
          const reply = await http('POST', path, {
            raw: '{not json',
            headers: { 'content-type': 'application/json' },
          });
          expect([400, 401]).toContain(reply.status);
          if (path !== '/auth/refresh') expectError(reply, 400, 'invalid_request');
          expectError(
            await post(path, { email: 'x@example.com', password: PASSWORD, pad: 'x'.repeat(17_000) }),
            413,
            'payload_too_large',
          );
        }
        // v2's routes, from a client of their own (forgot counts requests per address).
        const client = contractSteps(target).newClient();
        const user = await signIn();
        for (const path of [
          '/auth/verify-email',
          '/auth/password/forgot',
          '/auth/password/reset',
          '/auth/password/change',
        ]) {
          const headers = { 'content-type': 'application/json', ...user.bearer };
          expectError(await client('POST', path, { raw: '{not json', headers }), 400, 'invalid_request');
          expectError(
            await client('POST', path, { raw: JSON.stringify({ pad: 'x'.repeat(17_000) }), headers }),
            413,
            'payload_too_large',
          );
        }
        expectError(await post('/auth/login', { email: ['a'], password: PASSWORD }), 400, 'invalid_request');
        expectError(
          await post('/auth/login', { email: 'a@example.com', password: 12 }),
          400,
          'invalid_request',
        );
        expectError(
          await http('POST', '/auth/login', {
            raw: JSON.stringify({ email: 'a@example.com', password: PASSWORD }),
            headers: { 'content-type': 'text/plain' },
          }),
          400,
          'invalid_request',
        );
        expect((await http('GET', '/healthz')).status).toBe(200);
      },
    );

    accountLifecycleTests(enabled, () => target);
    loginThrottlingTests(enabled, () => target);

    it.skipIf(!enabled)('serves the browser page at / with a strict CSP and no inline script', async () => {
      const page = await http('GET', '/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.text).toContain('<script src="/demo.js"');
      expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    });

    it.skipIf(!enabled)(
      'never prints a password, token, API key, cookie value or Authorization header value',
      async () => {
        const output = app.output();
        expect(output).toContain('listening on');
        // Every one-time token the app mailed counts too, whether or not a test followed its link.
        const tokens = (await app.outbox.all()).flatMap((m) => (m.token === undefined ? [] : [m.token]));
        expect(tokens.length).toBeGreaterThan(5);
        for (const token of tokens) secret(token);
        expect(secretsSeen.size).toBeGreaterThan(20);
        const leaked = [...secretsSeen].filter((value) => output.includes(value));
        expect(leaked).toEqual([]);
        // An Authorization value is a scheme and a credential: none may be printed (the start-up hint shows a placeholder).
        expect(output).not.toMatch(/bearer\s+[A-Za-z0-9._~+/-]{16,}/i);
      },
    );
  });

  describe('with SIGNING_KEYS', () => {
    let app: DemoProcess;
    let http: Request;
    let keys: Record<string, unknown>[];

    beforeAll(async () => {
      const a = await generateSigningKey('ES256');
      const b = await generateSigningKey('EdDSA');
      keys = [a.exportPrivateJwk(), b.exportPrivateJwk()];
      for (const jwk of keys) secret(jwk['d'] as string);
      // REGISTER_MAX_PER_IP=3 here (the other demos lift it): the registration-flood row below runs on it.
      app = await startDemo(framework, {
        ADMIN_EMAILS: ADMIN,
        SIGNING_KEYS: JSON.stringify({ keys }),
        REGISTER_MAX_PER_IP: '3',
      });
      http = createClient(app.url);
    }, 90_000);
    afterAll(() => app?.stop());

    it('signs with the first key, publishes both, and answers rotation with 409', async () => {
      const jwks = (await http('GET', '/.well-known/jwks.json')).json['keys'] as {
        kid: string;
        alg: string;
        d?: string;
      }[];
      expect(jwks.map((k) => k.kid)).toEqual(keys.map((k) => k['kid']));
      expect(jwks.every((k) => k.d === undefined)).toBe(true);
      const steps = contractSteps({
        app,
        http,
        origin: app.url,
        mailFrom: DEFAULT_FROM,
        password: PASSWORD,
        admin: ADMIN,
      });
      const { token } = await steps.adminSignIn();
      expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
        alg: 'ES256',
        kid: keys[0]!['kid'],
      });
      expectError(
        await http('POST', '/admin/keys/rotate', { headers: { authorization: `Bearer ${token}` } }),
        409,
        'conflict',
      );
      expect(app.output()).not.toContain(keys[0]!['d'] as string);
    });

    it('attack: registrations past REGISTER_MAX_PER_IP from one address → 429 before any password is checked', async () => {
      const client = createClient(app.url, { localAddress: freshClientAddress() });
      const register = (address: string, password = PASSWORD) =>
        client('POST', '/auth/register', { body: { email: address, password } });
      for (let i = 0; i < 3; i++) expect((await register(email('flood'))).status).toBe(201);
      // A weak password would be 400 if it were looked at: the limit comes first.
      const flooded = await register(email('flood'), 'weak');
      expectError(flooded, 429, 'rate_limited');
      expect(Number(flooded.headers.get('retry-after'))).toBeGreaterThan(0);
      const elsewhere = createClient(app.url, { localAddress: freshClientAddress() });
      expect(
        (await elsewhere('POST', '/auth/register', { body: { email: email('flood'), password: PASSWORD } }))
          .status,
      ).toBe(201);
    });
  });

  // Embedded storage only: what is refused is the route, whatever the store.
  describe('with REGISTRATION=closed', () => {
    let app: DemoProcess;
    let http: Request;

    beforeAll(async () => {
      app = await startDemo(framework, { REGISTRATION: 'closed', ADMIN_EMAILS: ADMIN });
      http = createClient(app.url);
    }, 90_000);
    afterAll(() => app?.stop());

    it('attack: POST /auth/register → 404 not_found, and no account, no mail', async () => {
      const address = email('closed');
      const body = { email: address, password: PASSWORD };
      for (const attempt of [body, body, { email: ADMIN, password: PASSWORD }])
        expectError(await http('POST', '/auth/register', { body: attempt }), 404, 'not_found');
      // Nothing was created: no login, no reset mail (the same 202 as for anyone), no mail at all.
      expectError(await http('POST', '/auth/login', { body }), 401, 'invalid_credentials');
      const forgot = createClient(app.url, { localAddress: freshClientAddress() });
      expect((await forgot('POST', '/auth/password/forgot', { body: { email: address } })).status).toBe(202);
      // The other account routes are still served.
      expectError(
        await http('POST', '/auth/verify-email', { body: { token: 'A'.repeat(43) } }),
        400,
        'invalid_grant',
      );
      expect((await http('GET', '/healthz')).status).toBe(200);
      await sleep(1000); // a reset mail is sent after the answer: give one the time to appear
      expect(await app.outbox.all()).toEqual([]);
    });
  });
});

/** Sends raw bytes, for what fetch cannot express (two Authorization header lines). */
async function rawRequest(base: string, text: string): Promise<string> {
  const { connect } = await import('node:net');
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(text));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}
