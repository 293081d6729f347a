import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeService } from '@portcullis/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, REFRESH_COOKIE } from './http-client.js';
import {
  type Instance,
  privatePostgresUnavailable,
  startInstance,
  startPrivatePostgres,
  startRedis,
  uniqueName,
} from './processes.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgres = await probeService('PostgreSQL', DATABASE_URL);
const noPrivatePostgres = privatePostgresUnavailable();
if (noPrivatePostgres !== undefined) {
  if (process.env['CI'] === 'true')
    throw new Error(`${noPrivatePostgres}, and CI=true: the fault tests must run`);
  console.warn(`[portcullis] skipping PostgreSQL fault tests: ${noPrivatePostgres}`);
}

const running: Instance[] = [];
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  await Promise.all(running.map((i) => i.stop()));
  for (const cleanup of cleanups.reverse()) await cleanup();
}, 60_000);

// A restarted process listens on another port: the issuer stays the public URL, as behind a load balancer.
// Each process gets a DATA_DIR of its own: the key-encryption key is shared as a deployment shares secrets.
const PUBLIC = {
  TOKEN_ISSUER: 'http://portcullis.test',
  APP_ORIGIN: 'http://portcullis.test',
  KEYRING_KEK: randomBytes(32).toString('base64url'),
};

async function start(env: Record<string, string>) {
  const instance = await startInstance(env);
  running.push(instance);
  return instance;
}

async function signUp(instance: Instance, email: string) {
  await call(instance.url, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
  const login = await call(instance.url, 'POST', '/auth/login', { body: { email, password: PASSWORD } });
  expect(login.status).toBe(200);
  const access = login.body['access_token'] as string;
  const key = await call(instance.url, 'POST', '/api-keys', {
    headers: { authorization: `Bearer ${access}` },
    body: { name: 'fault', scopes: ['reports:read'] },
  });
  expect(key.status).toBe(201);
  return { access, refresh: login.cookie(REFRESH_COOKIE)!, apiKey: key.body['key'] as string };
}

/** Polls until `probe` answers 200: recovery must happen by itself, without restarting the app. */
async function eventually200(probe: () => Promise<{ status: number }>, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  let last = 0;
  while (Date.now() - started < timeoutMs) {
    last = (await probe()).status;
    if (last === 200) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`did not recover in ${timeoutMs} ms (last status ${last})`);
}

function expectFailClosed(reply: { status: number; body: Record<string, unknown>; headers: Headers }) {
  expect(reply.status).toBe(503);
  expect(reply.body['error']).toBe('temporarily_unavailable');
  expect(reply.headers.get('retry-after')).toBe('1');
}

describe.skipIf(!postgres.available)('Redis killed under a running app', () => {
  it('fails closed with 503 while Redis is down, and recovers by itself when it is back', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.kill());
    const schema = uniqueName('pc_fault');
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });
    const app = await start({ DATABASE_URL, PORTCULLIS_SCHEMA: schema, REDIS_URL: redis.url });
    const { access } = await signUp(app, 'redis-fault@example.com');
    const me = () => call(app.url, 'GET', '/me', { headers: { authorization: `Bearer ${access}` } });
    expect((await me()).status).toBe(200);

    await redis.kill();
    const started = Date.now();
    expectFailClosed(await me()); // the revocation check cannot be answered: no access
    expect(Date.now() - started).toBeLessThan(3000);
    expectFailClosed(
      await call(app.url, 'POST', '/auth/login', {
        body: { email: 'redis-fault@example.com', password: PASSWORD },
      }),
    );
    expect(app.process.exitCode).toBeNull();

    const again = await startRedis(redis.port);
    cleanups.push(() => again.kill());
    await eventually200(me);
  }, 60_000);
});

describe.skipIf(noPrivatePostgres !== undefined)('PostgreSQL killed under a running app', () => {
  it('fails closed with 503, recovers by itself, and loses nothing across a server and an app restart', async () => {
    const server = await startPrivatePostgres();
    cleanups.push(() => server.remove());
    const env = { ...PUBLIC, DATABASE_URL: server.url };
    const app = await start(env);
    const { access, refresh, apiKey } = await signUp(app, 'pg-fault@example.com');
    const reports = () => call(app.url, 'GET', '/service/reports', { headers: { 'x-api-key': apiKey } });
    expect((await reports()).status).toBe(200);

    server.kill();
    expectFailClosed(await reports());
    expectFailClosed(await call(app.url, 'GET', '/me', { headers: { authorization: `Bearer ${access}` } }));
    expectFailClosed(await call(app.url, 'POST', '/auth/refresh', { body: { refresh_token: refresh } }));
    expect(app.process.exitCode).toBeNull();

    server.start();
    await eventually200(reports);

    // A new app process on the restarted server: the API key, the refresh family and the keyring survived.
    await app.stop();
    const restarted = await start(env);
    expect(
      (await call(restarted.url, 'GET', '/service/reports', { headers: { 'x-api-key': apiKey } })).status,
    ).toBe(200);
    expect(
      (await call(restarted.url, 'GET', '/me', { headers: { authorization: `Bearer ${access}` } })).status,
    ).toBe(200);
    expect(
      (await call(restarted.url, 'POST', '/auth/refresh', { body: { refresh_token: refresh } })).status,
    ).toBe(200);
  }, 90_000);
});

describe('the embedded PGlite directory across an app restart', () => {
  it('keeps API keys, refresh families, the keyring and mailed links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-pglite-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await start({ ...PUBLIC, DATA_DIR: dir });
    const { access, refresh, apiKey } = await signUp(first, 'pglite@example.com');
    const jwks = await call(first.url, 'GET', '/.well-known/jwks.json');
    const [mail] = await first.outbox.waitFor('pglite@example.com', { kind: 'verify-email' });
    await first.stop();

    const second = await start({ ...PUBLIC, DATA_DIR: dir });
    expect((await call(second.url, 'GET', '/.well-known/jwks.json')).body).toEqual(jwks.body);
    expect(
      (await call(second.url, 'GET', '/service/reports', { headers: { 'x-api-key': apiKey } })).status,
    ).toBe(200);
    expect(
      (await call(second.url, 'GET', '/me', { headers: { authorization: `Bearer ${access}` } })).status,
    ).toBe(200);
    expect(
      (await call(second.url, 'POST', '/auth/refresh', { body: { refresh_token: refresh } })).status,
    ).toBe(200);
    // A verification link mailed before the restart still works once after it.
    const verify = () => call(second.url, 'POST', '/auth/verify-email', { body: { token: mail!.token } });
    expect((await verify()).status).toBe(200);
    expect((await verify()).status).toBe(400);
  }, 60_000);
});
