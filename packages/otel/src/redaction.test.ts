// The test: "Every attribute is redacted by construction: no token, key, code or password." A full
// run of the auth flows (register, verify, login, refresh, reuse, key rotation, API keys, TOTP, sessions,
// password reset, logout, expiry, throttling, a failing store) through an instrumented createAuth, exported
// to memory; then no secret the run saw, nor any 12 characters of one, may appear in anything exported.
import { createDpopProver } from '@portcullis/core';
import { authenticateNow } from '@portcullis/core/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSafeAttribute } from './safe-attributes.js';
import { bearer, instrumentedAuth, ORIGIN, totpCode } from './testing/auth.js';
import { createTestTelemetry, type TestTelemetry } from './testing/telemetry.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase, 2026';
const DB_SECRET = 'db-password-Zq8vR2mK7xW4nL9p';

let telemetry: TestTelemetry;
/** Every secret the run sent or received. */
let secrets: Set<string>;
/** Every string the exporters were handed: span names, attribute keys and values, events, statuses, metrics. */
const exported: string[] = [];

async function fullRun() {
  telemetry = createTestTelemetry();
  const f = await instrumentedAuth(telemetry);
  const { call, auth, mailer } = f;
  secrets = f.secrets;
  secrets.add(DB_SECRET);
  const request = (headers: Record<string, string>) => {
    for (const value of Object.values(headers)) f.remember(value);
    return { method: 'GET', url: '/reports?page=2&sort=newest', headers, remoteAddress: '127.0.0.1' };
  };

  // Register, verify by the mailed link, log in.
  async function account(email: string, password = PASSWORD) {
    const registered = await call('POST', '/auth/register', { body: { email, password } });
    expect(registered.status).toBe(201);
    const token = mailer.linkToken(email, 'verify_email')!;
    f.remember(token);
    expect((await call('POST', '/auth/verify-email', { body: { token } })).status).toBe(200);
    const login = await call('POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    return { login, token: login.json['access_token'] as string };
  }
  const alice = await account('alice@example.com');

  // The same token three times: two cache misses (admitted on the second), then a hit.
  for (let i = 0; i < 3; i++) await authenticateNow(auth, request(bearer(alice.token)));
  // A tampered signature, garbage, and a token in the URL.
  const tampered = `${alice.token.slice(0, -6)}${alice.token.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
  await expect(auth.authenticate(request(bearer(tampered)))).rejects.toMatchObject({
    reason: 'bad_signature',
  });
  await expect(auth.authenticate(request(bearer('garbage.garbage.garbage')))).rejects.toThrow();
  await call('GET', `/auth/mfa?access_token=${alice.token}`, { headers: bearer(alice.token) });

  // DPoP: a bound login, the DPoP scheme with a proof, the proof replayed, the bound token as Bearer.
  const dpop = await createDpopProver({ clock: f.clock });
  const host = { host: new URL(ORIGIN).host };
  const boundLogin = await call('POST', '/auth/login', {
    headers: { ...host, dpop: await dpop.proof('POST', `${ORIGIN}/auth/login`) },
    body: { email: 'alice@example.com', password: PASSWORD },
  });
  expect(boundLogin.json['token_type']).toBe('DPoP');
  const bound = boundLogin.json['access_token'] as string;
  const dpopRequest = request({
    ...host,
    authorization: `DPoP ${bound}`,
    dpop: await dpop.proof('GET', `${ORIGIN}/reports`, { accessToken: bound }),
  });
  await authenticateNow(auth, dpopRequest);
  await expect(auth.authenticate(dpopRequest)).rejects.toMatchObject({ reason: 'replayed_jti' });
  await expect(auth.authenticate(request(bearer(bound)))).rejects.toMatchObject({
    reason: 'dpop_bound_token_without_proof',
  });

  // Refresh, then the spent refresh token again: reuse detected, the family revoked.
  const refresh = alice.login.cookie('__Host-portcullis-refresh')!;
  const refreshed = await call('POST', '/auth/refresh', { body: { refresh_token: refresh } });
  expect(refreshed.status).toBe(200);
  expect((await call('POST', '/auth/refresh', { body: { refresh_token: refresh } })).status).toBe(401);

  // Key rotation by an admin.
  const admin = await account('admin@example.com');
  const rotated = await call('POST', '/admin/keys/rotate', { headers: bearer(admin.token) });
  expect(rotated.status).toBe(200);

  // API keys: create, authenticate with it, roll, revoke.
  const bob = await account('bob@example.com');
  const created = await call('POST', '/api-keys', {
    headers: bearer(bob.token),
    body: { name: 'ci', scopes: ['reports:read'] },
  });
  expect(created.status).toBe(201);
  const apiKey = created.json['key'] as string;
  await auth.authenticate(request({ 'x-api-key': apiKey }), { via: ['apiKey'] });
  await expect(
    auth.authenticate(request({ 'x-api-key': `${apiKey.slice(0, -4)}xxxx` }), { via: ['apiKey'] }),
  ).rejects.toThrow();
  const id = created.json['id'] as string;
  expect((await call('POST', `/api-keys/${id}/roll`, { headers: bearer(bob.token) })).status).toBe(201);
  expect((await call('DELETE', `/api-keys/${id}`, { headers: bearer(bob.token) })).status).toBe(204);

  // A TOTP app: enrol, then a login needs a second step; a wrong code, then the right one.
  const carolAccount = await account('carol@example.com');
  const started = await call('POST', '/auth/mfa/totp', { headers: bearer(carolAccount.token) });
  expect(started.status).toBe(200);
  const secret = started.json['secret'] as string;
  const confirmed = await call('POST', '/auth/mfa/totp/confirm', {
    headers: bearer(carolAccount.token),
    body: { code: totpCode(secret, f.clock()) },
  });
  expect(confirmed.status).toBe(200);
  f.advance(61_000);
  const pending = await call('POST', '/auth/login', {
    body: { email: 'carol@example.com', password: PASSWORD },
  });
  expect(pending.json['error']).toBe('mfa_required');
  const mfaToken = pending.json['mfa_token'] as string;
  const wrongCode = totpCode(secret, f.clock()) === '000000' ? '111111' : '000000';
  await call('POST', '/auth/mfa/verify', { body: { mfa_token: mfaToken, code: wrongCode } });
  const second = await call('POST', '/auth/mfa/verify', {
    body: { mfa_token: mfaToken, code: totpCode(secret, f.clock()) },
  });
  expect(second.status).toBe(200);
  const carol = second.json['access_token'] as string;

  // A cookie session: sign in, authenticate with the cookie, sign out.
  const session = await call('POST', '/auth/session', {
    body: { email: 'bob@example.com', password: PASSWORD },
  });
  expect(session.status).toBe(204);
  const sid = session.cookie('__Host-portcullis-sid')!;
  await auth.authenticate(request({ cookie: `__Host-portcullis-sid=${sid}` }));
  // The session store fails once, with a secret in its message: 503, and only the class name exported.
  const get = f.stores.sessions.get;
  f.stores.sessions.get = async () => {
    throw new Error(`connection to postgres://portcullis:${DB_SECRET}@db/auth refused`);
  };
  await expect(auth.authenticate(request({ cookie: `__Host-portcullis-sid=${sid}` }))).rejects.toMatchObject({
    code: 'temporarily_unavailable',
  });
  f.stores.sessions.get = get;
  await call('DELETE', '/auth/session', {
    headers: { cookie: `__Host-portcullis-sid=${sid}`, origin: ORIGIN },
  });

  // A password reset by mail.
  await call('POST', '/auth/password/forgot', { body: { email: 'bob@example.com' } });
  // The reset mail is sent after the answer (the same timing whether or not the e-mail is known).
  for (let i = 0; i < 100 && mailer.linkToken('bob@example.com', 'reset_password') === undefined; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  const resetToken = mailer.linkToken('bob@example.com', 'reset_password')!;
  f.remember(resetToken);
  const reset = await call('POST', '/auth/password/reset', {
    body: { token: resetToken, password: NEW_PASSWORD },
  });
  expect(reset.status, JSON.stringify(reset.json)).toBe(204);

  // Logout; then time passes and carol's token expires.
  expect((await call('POST', '/auth/logout', { headers: bearer(admin.token) })).status).toBe(204);
  f.advance(16 * 60_000);
  await expect(auth.authenticate(request(bearer(carol)))).rejects.toMatchObject({ reason: 'expired' });

  // Wrong passwords from one address until the login is throttled.
  let status = 0;
  for (let i = 0; i < 8 && status !== 429; i++) {
    status = (
      await call('POST', '/auth/login', {
        body: { email: 'alice@example.com', password: `wrong password number ${i}` },
        ip: '10.0.0.9',
      })
    ).status;
  }
  expect(status).toBe(429);
  return f;
}

let run: Awaited<ReturnType<typeof fullRun>>;
beforeAll(async () => {
  run = await fullRun();
  for (const span of telemetry.spans()) {
    exported.push(span.name, span.status.message ?? '', span.instrumentationScope.name);
    for (const [key, value] of Object.entries(span.attributes)) exported.push(key, String(value));
    for (const event of span.events) {
      exported.push(event.name);
      for (const [key, value] of Object.entries(event.attributes ?? {})) exported.push(key, String(value));
    }
    for (const link of span.links)
      for (const [key, value] of Object.entries(link.attributes ?? {})) exported.push(key, String(value));
  }
  for (const [name, metric] of await telemetry.collectMetrics()) {
    exported.push(name, metric.descriptor.description, metric.descriptor.unit);
    for (const point of metric.dataPoints)
      for (const [key, value] of Object.entries(point.attributes)) exported.push(key, String(value));
  }
}, 60_000);
afterAll(() => telemetry?.shutdown());

describe('a full run, exported to memory', () => {
  it('saw the secrets it is about: passwords, tokens, keys, codes, cookies', () => {
    expect(secrets.size).toBeGreaterThan(30);
    expect(secrets).toContain(PASSWORD);
    expect(exported.length).toBeGreaterThan(200);
  });

  it('exports no secret, nor any 12 characters of one', () => {
    const windows = new Set<string>();
    for (const text of exported)
      for (let i = 0; i + 12 <= text.length; i++) windows.add(text.slice(i, i + 12));
    const leaks: string[] = [];
    for (const secret of secrets) {
      if (exported.some((text) => text.includes(secret))) leaks.push(secret);
      for (let i = 0; i + 12 <= secret.length; i++)
        if (windows.has(secret.slice(i, i + 12))) leaks.push(`${secret} (at ${i})`);
    }
    expect(leaks).toEqual([]);
  });

  it('sets only allow-listed attributes, each from its vocabulary, and no span message or event', () => {
    for (const span of telemetry.spans()) {
      for (const [key, value] of Object.entries(span.attributes))
        expect(isSafeAttribute(key, value), key).toBe(true);
      expect(span.status.message).toBeUndefined();
      expect(span.events).toEqual([]);
    }
  });

  it('traced authenticate, login, refresh, key rotation and the store calls under them', () => {
    const names = new Set(telemetry.spans().map((span) => span.name));
    for (const name of [
      'portcullis.authenticate',
      'portcullis.route POST /auth/login',
      'portcullis.route POST /auth/refresh',
      'portcullis.route POST /admin/keys/rotate',
      'portcullis.route POST /api-keys/:id/roll',
      'portcullis.route DELETE /api-keys/:id',
      'portcullis.route GET /auth/mfa',
      'portcullis.route POST /auth/mfa/verify',
    ])
      expect(names).toContain(name);
    expect(
      [...names].filter((name) => name.startsWith('portcullis.store refreshTokens.')).length,
    ).toBeGreaterThan(0);
    expect([...names].filter((name) => name.startsWith('portcullis.store keyring.')).length).toBeGreaterThan(
      0,
    );
    const failed = telemetry.spans().find((span) => span.attributes['portcullis.outcome'] === 'error');
    expect(failed?.name).toBe('portcullis.store sessions.get');
    expect(failed?.attributes['error.type']).toBe('Error');
  });

  it('counted verifications by reason, cache hits, throttled logins and one reuse detection', async () => {
    const refused = await telemetry.points('portcullis.verifications');
    const reasons = refused.map((point) => point.attributes['portcullis.reason']);
    expect(reasons).toEqual(expect.arrayContaining(['expired', 'bad_signature']));
    expect(
      await telemetry.total('portcullis.verifications', { 'portcullis.result': 'accepted' }),
    ).toBeGreaterThan(3);
    expect(
      await telemetry.total('portcullis.token_cache.lookups', { 'portcullis.result': 'hit' }),
    ).toBeGreaterThan(0);
    expect(
      await telemetry.total('portcullis.token_cache.lookups', { 'portcullis.result': 'miss' }),
    ).toBeGreaterThan(0);
    expect(await telemetry.total('portcullis.refresh.reuse_detections')).toBe(1);
    expect(await telemetry.total('portcullis.login.throttled')).toBe(1);
    expect(await telemetry.total('portcullis.events', { 'portcullis.event': 'keys.rotated' })).toBe(1);
    expect(
      await telemetry.total('portcullis.store.duration', {
        'portcullis.store': 'sessions',
        'portcullis.outcome': 'error',
      }),
    ).toBe(1);
    expect(run.events.some((event) => event.type === 'mfa.failed')).toBe(true);
  });
});
