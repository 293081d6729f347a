import { describe, expect, it } from 'vitest';
import { type AuthFixtureOptions, authFixture, bearer, PASSWORD } from '../../testing/auth.js';

// A policy where one scope is an admin's only: what a user may put on a key is bounded by their role.
const POLICY = {
  apiKeys: { scopes: ['reports:read', 'reports:write', 'keys:admin'] },
  policy: {
    roles: {
      user: { permissions: ['reports:read', 'reports:write'] },
      admin: { inherits: ['user'], permissions: ['keys:admin'] },
    },
  },
} satisfies AuthFixtureOptions;

describe('API-key scopes are bounded', () => {
  it('refuses an unknown scope with 400 and a scope the role does not grant with 403 insufficient_scope', async () => {
    const { call, registerAndLogin } = await authFixture(POLICY);
    const user = await registerAndLogin('user@example.com', PASSWORD, { verified: true });
    const create = (scopes: string[]) =>
      call('POST', '/api-keys', { body: { name: 'k', scopes }, headers: bearer(user.accessToken) });
    const unknown = await create(['reports:read', 'admin:everything']);
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: string }).error).toBe('invalid_request');
    const beyond = await create(['reports:read', 'keys:admin']);
    expect(beyond.status).toBe(403);
    expect(beyond.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'Insufficient privileges',
    });
    expect(beyond.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect((await create(['reports:read', 'reports:write'])).status).toBe(201);
  });

  it('reads the role from the users table, so a demoted admin can neither mint nor roll an admin key', async () => {
    const { call, registerAndLogin, users } = await authFixture(POLICY);
    const admin = await registerAndLogin('admin@example.com', PASSWORD, { verified: true });
    const made = await call('POST', '/api-keys', {
      body: { name: 'ops', scopes: ['keys:admin'] },
      headers: bearer(admin.accessToken),
    });
    expect(made.status).toBe(201);
    await users.update(admin.id, { role: 'user' });
    // The access token still says admin; the users table does not.
    const again = await call('POST', '/api-keys', {
      body: { name: 'ops2', scopes: ['keys:admin'] },
      headers: bearer(admin.accessToken),
    });
    expect(again.status).toBe(403);
    const rolled = await call('POST', `/api-keys/${(made.body as { id: string }).id}/roll`, {
      body: {},
      headers: bearer(admin.accessToken),
    });
    expect(rolled.status).toBe(403);
  });

  it('serves no API-key route without apiKeys.scopes: there is no "any scope" default', async () => {
    const { call } = await authFixture({ apiKeys: { scopes: undefined } });
    await expect(call('POST', '/api-keys', { body: { name: 'k', scopes: ['x'] } })).rejects.toThrow(
      /no route/,
    );
    await expect(call('GET', '/api-keys')).rejects.toThrow(/no route/);
  });

  it('refuses, at start-up, apiKeys.scopes that no role of the policy grants', async () => {
    await expect(authFixture({ policy: undefined })).rejects.toThrow(/^portcullis: apiKeys\.scopes: /);
    await expect(authFixture({ policy: { roles: { user: { permissions: ['other'] } } } })).rejects.toThrow(
      /^portcullis: apiKeys\.scopes: /,
    );
  });
});
