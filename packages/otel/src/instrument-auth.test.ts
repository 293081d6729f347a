import { authenticateNow, isThenable } from '@portcullis/core/adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentAuth } from './instrument-auth.js';
import { bearer, instrumentedAuth } from './testing/auth.js';
import { createTestTelemetry, type TestTelemetry } from './testing/telemetry.js';

const PASSWORD = 'correct horse battery staple';
let telemetry: TestTelemetry;
afterEach(() => telemetry?.shutdown());

async function signedIn() {
  telemetry = createTestTelemetry();
  const fixture = await instrumentedAuth(telemetry);
  await fixture.call('POST', '/auth/register', { body: { email: 'alice@example.com', password: PASSWORD } });
  const login = await fixture.call('POST', '/auth/login', {
    body: { email: 'alice@example.com', password: PASSWORD },
  });
  const token = login.json['access_token'] as string;
  const request = (authorization = `Bearer ${token}`) => ({
    method: 'GET',
    url: '/reports?page=2',
    headers: { authorization },
    remoteAddress: '127.0.0.1',
  });
  return { ...fixture, token, request };
}

describe('instrumentAuth: authenticate', () => {
  it("keeps the adapters' synchronous answer synchronous, and traces each authentication", async () => {
    const { auth, request } = await signedIn();
    // Twice to be admitted to the cache; then the answer needs no await at all.
    await authenticateNow(auth, request());
    await authenticateNow(auth, request());
    const third = authenticateNow(auth, request());
    expect(isThenable(third)).toBe(false);
    const spans = telemetry.spans().filter((span) => span.name === 'portcullis.authenticate');
    expect(spans).toHaveLength(3);
    expect(spans[2]?.attributes).toEqual({
      'portcullis.result': 'accepted',
      'portcullis.credential': 'bearer',
    });
  });

  it('counts verifications by result and reason, also through auth.authenticate()', async () => {
    const { auth, token, request } = await signedIn();
    await auth.authenticate(request());
    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await expect(auth.authenticate(request(`Bearer ${tampered}`))).rejects.toMatchObject({
      code: 'invalid_token',
    });
    expect(() => authenticateNow(auth, request('Bearer not-a-jwt'))).toThrow();
    expect(await telemetry.total('portcullis.verifications', { 'portcullis.result': 'accepted' })).toBe(1);
    const refused = await telemetry.points('portcullis.verifications');
    expect(
      refused.filter((p) => p.attributes['portcullis.result'] === 'refused').map((p) => p.attributes),
    ).toEqual([
      { 'portcullis.result': 'refused', 'portcullis.reason': 'bad_signature' },
      { 'portcullis.result': 'refused', 'portcullis.reason': expect.stringMatching(/^[a-z_]+$/) },
    ]);
  });

  it("reads the verifier's cache as hits and misses", async () => {
    const { auth, request } = await signedIn();
    for (let i = 0; i < 4; i++) await auth.authenticate(request());
    expect(await telemetry.total('portcullis.token_cache.lookups', { 'portcullis.result': 'miss' })).toBe(2);
    expect(await telemetry.total('portcullis.token_cache.lookups', { 'portcullis.result': 'hit' })).toBe(2);
  });
});

describe('instrumentAuth: routes', () => {
  it('names each route span after its template, never the URL, with the status code', async () => {
    const { call, token } = await signedIn();
    await call('DELETE', '/api-keys/k_0123456789abcdef?force=1', { headers: bearer(token) });
    const span = telemetry.spans().find((s) => s.name.startsWith('portcullis.route DELETE'));
    expect(span?.name).toBe('portcullis.route DELETE /api-keys/:id');
    expect(span?.attributes).toEqual({
      'http.request.method': 'DELETE',
      'http.route': '/api-keys/:id',
      'http.response.status_code': 404,
      'portcullis.error': 'not_found',
    });
    const login = telemetry.spans().find((s) => s.name === 'portcullis.route POST /auth/login');
    expect(login?.attributes['http.response.status_code']).toBe(200);
  });

  it('keeps the routes, methods and every other member of auth', async () => {
    const { auth } = await signedIn();
    expect(auth.routes.map((r) => `${r.method} ${r.path}`)).toContain('POST /admin/keys/rotate');
    expect(typeof auth.logoutEverywhere).toBe('function');
    expect(Object.isFrozen(auth)).toBe(true);
  });

  it('refuses what is not an auth at start-up', () => {
    expect(() => instrumentAuth({} as never)).toThrow(
      /^portcullis: instrumentAuth\(auth\): is not an auth; /,
    );
  });
});
