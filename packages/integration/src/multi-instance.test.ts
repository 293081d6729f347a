import { randomBytes } from 'node:crypto';
import { createDpopProver } from '@portcullis/core';
import { probeService } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, callAsHost, PASSWORD, REFRESH_COOKIE } from './http-client.js';
import { type Instance, startInstance, uniqueName, verifyThroughOutbox } from './processes.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const postgres = await probeService('PostgreSQL', DATABASE_URL);
const redis = await probeService('Redis', REDIS_URL);
// Every instance must agree on the issuer and the origin: behind a load balancer they share one public URL.
const PUBLIC_URL = 'http://portcullis.test';

const setups = [
  { name: 'two instances on one PostgreSQL', redis: false },
  { name: 'two instances on PostgreSQL + Redis', redis: true },
];

describe.each(setups)('$name', (setup) => {
  const enabled = postgres.available && (!setup.redis || redis.available);
  const schema = uniqueName('pc_multi');
  const prefix = `${uniqueName('pc_multi')}:`;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    if (!enabled) return;
    const env = {
      DATABASE_URL,
      PORTCULLIS_SCHEMA: schema,
      TOKEN_ISSUER: PUBLIC_URL,
      APP_ORIGIN: PUBLIC_URL,
      // Every instance opens the keyring (and the pepper) the first one sealed: one KEK for all.
      KEYRING_KEK: randomBytes(32).toString('base64url'),
      ADMIN_EMAILS: 'admin@example.com',
      ...(setup.redis ? { REDIS_URL, PORTCULLIS_REDIS_PREFIX: prefix } : {}),
    };
    // One after the other: the first migrates and generates the keyring; the second must adopt both.
    a = await startInstance({ ...env, INSTANCE_NAME: 'a' });
    b = await startInstance({ ...env, INSTANCE_NAME: 'b' });
  }, 60_000);

  afterAll(async () => {
    if (!enabled) return;
    await Promise.all([a?.stop(), b?.stop()]);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    if (setup.redis) {
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length > 0) await r.del(...keys);
      await r.quit();
    }
  });

  async function loginOn(instance: Instance, email: string) {
    await call(instance.url, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
    const login = await call(instance.url, 'POST', '/auth/login', { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    return { access: login.body['access_token'] as string, refresh: login.cookie(REFRESH_COOKIE)! };
  }

  it.skipIf(!enabled)('refuses on B a refresh token spent on A, and revokes its family', async () => {
    const { refresh } = await loginOn(a, 'replay@example.com');
    const rotated = await call(a.url, 'POST', '/auth/refresh', { body: { refresh_token: refresh } });
    expect(rotated.status).toBe(200);
    const newest = rotated.cookie(REFRESH_COOKIE)!;
    const replay = await call(b.url, 'POST', '/auth/refresh', { body: { refresh_token: refresh } });
    expect(replay.status).toBe(401);
    expect(replay.body['error']).toBe('invalid_grant');
    // The family is revoked everywhere: the newest token fails on A too.
    expect((await call(a.url, 'POST', '/auth/refresh', { body: { refresh_token: newest } })).status).toBe(
      401,
    );
  });

  it.skipIf(!enabled)(
    'lets exactly one of 20 concurrent refreshes spread over both instances succeed',
    async () => {
      const { refresh } = await loginOn(b, 'race@example.com');
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(i % 2 === 0 ? a.url : b.url, 'POST', '/auth/refresh', { body: { refresh_token: refresh } }),
        ),
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
      expect(replies.filter((r) => r.status === 401)).toHaveLength(19);
    },
  );

  it.skipIf(!enabled)('refuses on B a DPoP proof A accepted, and B honours A’s binding', async () => {
    const host = new URL(PUBLIC_URL).host;
    const client = await createDpopProver();
    const email = 'dpop@example.com';
    await call(a.url, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
    const login = await callAsHost(a.url, host, 'POST', '/auth/login', {
      headers: { dpop: await client.proof('POST', `${PUBLIC_URL}/auth/login`) },
      body: { email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const token = login.body['access_token'] as string;
    const proof = await client.proof('GET', `${PUBLIC_URL}/me`, { accessToken: token });
    const headers = { authorization: `DPoP ${token}`, dpop: proof };
    expect((await callAsHost(a.url, host, 'GET', '/me', { headers })).status).toBe(200);
    const replay = await callAsHost(b.url, host, 'GET', '/me', { headers });
    expect([replay.status, replay.body['error']]).toEqual([401, 'invalid_dpop_proof']);
    // Ten copies of one fresh proof at once, spread over both instances: exactly one is served.
    const fresh = await client.proof('GET', `${PUBLIC_URL}/me`, { accessToken: token });
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        callAsHost(i % 2 === 0 ? a.url : b.url, host, 'GET', '/me', {
          headers: { authorization: `DPoP ${token}`, dpop: fresh },
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    if (setup.redis) {
      // The spent proof ids are in the shared Redis, not in either process.
      const r = new Redis(REDIS_URL);
      expect((await r.keys(`${prefix}oauth:state:dpop:*`)).length).toBeGreaterThanOrEqual(2);
      await r.quit();
    }
    // The bound refresh token works on B only with A's client's key.
    const refresh = login.body['refresh_token'] as string;
    const stolen = await callAsHost(b.url, host, 'POST', '/auth/refresh', {
      headers: { dpop: await (await createDpopProver()).proof('POST', `${PUBLIC_URL}/auth/refresh`) },
      body: { refresh_token: refresh },
    });
    expect(stolen.status).toBe(400);
    const rotated = await callAsHost(b.url, host, 'POST', '/auth/refresh', {
      headers: { dpop: await client.proof('POST', `${PUBLIC_URL}/auth/refresh`) },
      body: { refresh_token: refresh },
    });
    expect([rotated.status, rotated.body['token_type']]).toEqual([200, 'DPoP']);
  });

  it.skipIf(!enabled)('holds a login limit of 5 exactly across instances', async () => {
    await call(a.url, 'POST', '/auth/register', { body: { email: 'limit@example.com', password: PASSWORD } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const target = i % 2 === 0 ? a : b;
      statuses.push(
        (
          await call(target.url, 'POST', '/auth/login', {
            body: { email: 'limit@example.com', password: `wrong guess ${i}` },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await call(b.url, 'POST', '/auth/login', {
      body: { email: 'limit@example.com', password: PASSWORD },
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await call(a.url, 'POST', '/auth/login', { body: { email: 'limit@example.com', password: PASSWORD } }))
        .status,
    ).toBe(429);
  });

  it.skipIf(!enabled)('sees a revocation made on A at once on B', async () => {
    const { access } = await loginOn(a, 'revoke@example.com');
    const bearer = { authorization: `Bearer ${access}` };
    expect((await call(b.url, 'GET', '/me', { headers: bearer })).status).toBe(200);
    expect((await call(a.url, 'POST', '/auth/logout', { headers: bearer })).status).toBe(204);
    const after = await call(b.url, 'GET', '/me', { headers: bearer });
    expect(after.status).toBe(401);
    expect(after.body['error']).toBe('invalid_token');
  });

  it.skipIf(!enabled)(
    'spends a mailed verification link once: 20 concurrent uses over both instances',
    async () => {
      await call(a.url, 'POST', '/auth/register', {
        body: { email: 'link-race@example.com', password: PASSWORD },
      });
      const [mail] = await a.outbox.waitFor('link-race@example.com', { kind: 'verify-email' });
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(i % 2 === 0 ? a.url : b.url, 'POST', '/auth/verify-email', { body: { token: mail!.token } }),
        ),
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
      expect(replies.filter((r) => r.status === 400 && r.body['error'] === 'invalid_grant')).toHaveLength(19);
    },
  );

  it.skipIf(!enabled)('spends a reset link once: 20 concurrent resets over both instances', async () => {
    const email = 'reset-race@example.com';
    await call(a.url, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
    expect((await call(b.url, 'POST', '/auth/password/forgot', { body: { email } })).status).toBe(202);
    const [mail] = await b.outbox.waitFor(email, { kind: 'reset-password' });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(i % 2 === 0 ? a.url : b.url, 'POST', '/auth/password/reset', {
          body: { token: mail!.token, password: `${PASSWORD} after reset ${i}` },
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 204)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 400 && r.body['error'] === 'invalid_grant')).toHaveLength(19);
    const winner = replies.findIndex((r) => r.status === 204);
    const login = await call(a.url, 'POST', '/auth/login', {
      body: { email, password: `${PASSWORD} after reset ${winner}` },
    });
    expect(login.status).toBe(200);
  });

  it.skipIf(!enabled)('shares API keys, and signing keys rotated on A', async () => {
    // ADMIN_EMAILS counts only once the address is verified, through the mailed link.
    await call(a.url, 'POST', '/auth/register', { body: { email: 'admin@example.com', password: PASSWORD } });
    await verifyThroughOutbox(a, 'admin@example.com');
    const { access } = await loginOn(a, 'admin@example.com');
    const created = await call(a.url, 'POST', '/api-keys', {
      headers: { authorization: `Bearer ${access}` },
      body: { name: 'shared', scopes: ['reports:read'] },
    });
    expect(created.status).toBe(201);
    const onB = await call(b.url, 'GET', '/service/reports', {
      headers: { 'x-api-key': created.body['key'] as string },
    });
    expect(onB.status).toBe(200);

    const rotated = await call(a.url, 'POST', '/admin/keys/rotate', {
      headers: { authorization: `Bearer ${access}` },
    });
    expect(rotated.status).toBe(200);
    const kid = rotated.body['kid'] as string;
    const fresh = await call(a.url, 'POST', '/auth/login', {
      body: { email: 'admin@example.com', password: PASSWORD },
    });
    const token = fresh.body['access_token'] as string;
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
    // B has never seen this kid: it reloads the shared keyring and verifies the token.
    expect((await call(b.url, 'GET', '/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    // The token signed by the previous key keeps verifying on both.
    expect((await call(b.url, 'GET', '/me', { headers: { authorization: `Bearer ${access}` } })).status).toBe(
      200,
    );
    const jwks = await call(b.url, 'GET', '/.well-known/jwks.json');
    expect((jwks.body['keys'] as { kid: string }[]).map((k) => k.kid)).toContain(kid);
  });

  it.skipIf(!enabled)('accepts a TOTP code once across both instances: concurrent second steps', async () => {
    const email = 'totp-race@example.com';
    const { access } = await loginOn(a, email);
    const started = await call(a.url, 'POST', '/auth/mfa/totp', {
      headers: { authorization: `Bearer ${access}` },
    });
    const totp = new TOTP({ secret: Secret.fromBase32(started.body['secret'] as string) });
    // Confirmed with the previous step's code, so the current step's code is still unused.
    const confirm = await call(b.url, 'POST', '/auth/mfa/totp/confirm', {
      headers: { authorization: `Bearer ${access}` },
      body: { code: totp.generate({ timestamp: Date.now() - 30_000 }) },
    });
    expect(confirm.status).toBe(200);
    // One pending login per request, started on alternate instances (one after the other: the login
    // throttle counts attempts in flight), each finished on the other instance. Five: the per-account
    // second-step limit lets five attempts through.
    const pending: { token: string; finishOn: Instance }[] = [];
    for (let i = 0; i < 5; i++) {
      const first = i % 2 === 0 ? a : b;
      const step = await call(first.url, 'POST', '/auth/login', { body: { email, password: PASSWORD } });
      expect(step.body['error']).toBe('mfa_required');
      pending.push({ token: step.body['mfa_token'] as string, finishOn: first === a ? b : a });
    }
    const code = totp.generate();
    const answers = await Promise.all(
      pending.map(({ token, finishOn }) =>
        call(finishOn.url, 'POST', '/auth/mfa/verify', { body: { mfa_token: token, code } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(4);
  });
});
