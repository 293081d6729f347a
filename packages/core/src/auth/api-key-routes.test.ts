import { describe, expect, it } from 'vitest';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import { authFixture, bearer, PASSWORD } from '../testing/auth.js';

interface KeyBody {
  id: string;
  key: string;
  prefix: string;
  name: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
}

describe('API-key routes', () => {
  it('create a key shown once, list without secrets, verify by X-API-Key with scopes', async () => {
    const { call, registerAndLogin, auth } = await authFixture();
    const { accessToken } = await registerAndLogin();
    const created = await call('POST', '/api-keys', {
      headers: bearer(accessToken),
      body: { name: 'reports', scopes: ['reports:read'], expires_in: 3600 },
    });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const body = created.body as KeyBody;
    expect(body).toMatchObject({ prefix: 'pc_live', name: 'reports', scopes: ['reports:read'] });
    expect(body.key).toMatch(/^pc_live_[0-9A-Za-z]{55}_[0-9A-Za-z]{6}$/);
    expect(new Date(body.expires_at!).getTime() - new Date(body.created_at).getTime()).toBe(3600_000);

    const listed = await call('GET', '/api-keys', { headers: bearer(accessToken) });
    expect(listed.status).toBe(200);
    expect(Array.isArray(listed.body)).toBe(true);
    expect(JSON.stringify(listed.body)).not.toContain(body.key.split('_')[2]!.slice(12));
    expect((listed.body as KeyBody[])[0]).toMatchObject({ id: body.id, name: 'reports' });

    const principal = await auth.authenticate(
      { method: 'GET', url: '/service/reports', headers: { 'x-api-key': body.key } },
      { via: ['apiKey'] },
    );
    expect(principal).toMatchObject({ method: 'apiKey', scopes: ['reports:read'], tokenId: body.id });
  });

  it('refuse a scope outside the allowed list with 400', async () => {
    const { call, registerAndLogin } = await authFixture();
    const { accessToken } = await registerAndLogin();
    const response = await call('POST', '/api-keys', {
      headers: bearer(accessToken),
      body: { name: 'x', scopes: ['admin:all'] },
    });
    expect(response.status).toBe(400);
    expect((response.body as { error: string }).error).toBe('invalid_request');
  });

  it('roll with grace, revoke at once, and answer 404 for another user', async () => {
    const { call, registerAndLogin, auth, clock } = await authFixture();
    const alice = await registerAndLogin();
    const bob = await registerAndLogin('bob@example.com', PASSWORD);
    const created = (
      await call('POST', '/api-keys', {
        headers: bearer(alice.accessToken),
        body: { name: 'ci', scopes: ['reports:read'] },
      })
    ).body as KeyBody;
    const useKey = (key: string) =>
      auth.authenticate(
        { method: 'GET', url: '/service/reports', headers: { 'x-api-key': key } },
        { via: ['apiKey'] },
      );

    expect(
      (await call('POST', `/api-keys/${created.id}/roll`, { headers: bearer(bob.accessToken), body: {} }))
        .status,
    ).toBe(404);
    expect(
      (await call('DELETE', `/api-keys/${created.id}`, { headers: bearer(bob.accessToken) })).status,
    ).toBe(404);

    const rolled = await call('POST', `/api-keys/${created.id}/roll`, {
      headers: bearer(alice.accessToken),
      body: { grace_seconds: 60 },
    });
    expect(rolled.status).toBe(201);
    const next = rolled.body as KeyBody;
    await expect(useKey(created.key)).resolves.toBeDefined();
    clock.advance(61);
    await expect(useKey(created.key)).rejects.toMatchObject({ status: 401, reason: 'expired' });
    await expect(useKey(next.key)).resolves.toBeDefined();

    expect(
      (await call('DELETE', `/api-keys/${next.id}`, { headers: bearer(alice.accessToken) })).status,
    ).toBe(204);
    await expect(useKey(next.key)).rejects.toMatchObject({ status: 401, reason: 'revoked' });
  });
});

describe('key rotation route', () => {
  it('lets an admin rotate; old tokens keep verifying; users get 403', async () => {
    const { call, registerAndLogin, auth } = await authFixture();
    const admin = await registerAndLogin('admin@example.com', PASSWORD, { verified: true });
    const user = await registerAndLogin('user@example.com');
    const forbidden = await call('POST', '/admin/keys/rotate', { headers: bearer(user.accessToken) });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
    const rotated = await call('POST', '/admin/keys/rotate', { headers: bearer(admin.accessToken) });
    expect(rotated.status).toBe(200);
    const { kid } = rotated.body as { kid: string };
    const jwks = await call('GET', '/.well-known/jwks.json');
    expect((jwks.body as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toContain(kid);
    expect((jwks.body as { keys: unknown[] }).keys).toHaveLength(2);
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(user.accessToken) }),
    ).resolves.toBeDefined();
  });

  it('answers 409 when keys come from configuration', async () => {
    const { generateSigningKey } = await import('../keys/generate-key.js');
    const { call, registerAndLogin } = await authFixture({
      keys: { signingKeys: [await generateSigningKey('ES256')] },
    });
    const admin = await registerAndLogin('admin@example.com', PASSWORD, { verified: true });
    const response = await call('POST', '/admin/keys/rotate', { headers: bearer(admin.accessToken) });
    expect(response.status).toBe(409);
  });
});

describe('an unreachable store', () => {
  it('fails closed with 503 and Retry-After, never 200 or 500', async () => {
    const stores = createMemoryStores();
    const { call, registerAndLogin } = await authFixture({}, stores);
    const { refreshToken } = await registerAndLogin();
    stores.refreshTokens.rotate = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    };
    const response = await call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.stringify(response.body)).not.toContain('ECONNREFUSED');
  });
});
