import { describe, expect, it } from 'vitest';
import type { OAuthClientConfig } from '../../clients/client-registry.js';
import { issueClientToken } from '../../clients/issue-client-token.js';
import { type AuthFixtureOptions, authFixture, bearer } from '../../testing/auth.js';

const REPORTS_SECRET = 'rS3cr3t-Qm9vTg7WbX2kLp4zHn8Yc1Jd6Fv5Tr0Ae3Ku';
const RS_SECRET = 'iNtr0sp3ct-Lk2Pq8Wz5Xm1Nb7Vc4Hj9Gf6Ds3Ta0Yr';
const ADMIN_SECRET = 'r3v0k3r-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx';

const CLIENTS: OAuthClientConfig[] = [
  { id: 'reports', secret: REPORTS_SECRET, scopes: ['reports:read', 'reports:write'] },
  { id: 'resource-server', secret: RS_SECRET, grants: ['introspection'] },
  { id: 'session-admin', secret: ADMIN_SECRET, grants: ['revocation', 'introspection'] },
];

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function fixture(overrides: AuthFixtureOptions = {}) {
  const f = await authFixture({ clients: { registered: CLIENTS }, ...overrides });
  const post = (
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = basic('reports', REPORTS_SECRET),
    query = '',
  ) =>
    f.call('POST', `${path}${query}`, {
      headers: { ...FORM, ...headers },
      body: new URLSearchParams(form).toString(),
    });
  const clientToken = async (scope?: string) => {
    const response = await post('/oauth/token', {
      grant_type: 'client_credentials',
      ...(scope === undefined ? {} : { scope }),
    });
    return (response.body as { access_token: string }).access_token;
  };
  const introspect = async (token: string) =>
    (await post('/oauth/introspect', { token }, basic('resource-server', RS_SECRET))).body as Record<
      string,
      unknown
    >;
  return { ...f, post, clientToken, introspect };
}

describe('POST /oauth/token (client credentials)', () => {
  it('issues a scoped bearer token to a client authenticated by Basic, without a refresh token', async () => {
    const { post, auth, events } = await fixture();
    const response = await post('/oauth/token', { grant_type: 'client_credentials', scope: 'reports:read' });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'reports:read' });
    const principal = await auth.verifier.verify(body['access_token'] as string);
    expect(principal.subject).toBe('reports');
    expect(principal.claims['client_id']).toBe('reports');
    expect(principal.scopes).toEqual(['reports:read']);
    expect(response.cookies).toEqual([]);
    expect(events).toContainEqual({
      type: 'client.token_issued',
      clientId: 'reports',
      scopes: ['reports:read'],
    });
    expect(JSON.stringify(events)).not.toContain(REPORTS_SECRET);
  });

  it('grants every allowed scope when none is asked for, and accepts client_secret_post', async () => {
    const { post } = await fixture();
    const response = await post(
      '/oauth/token',
      { grant_type: 'client_credentials', client_id: 'reports', client_secret: REPORTS_SECRET },
      {},
    );
    expect(response.status).toBe(200);
    expect((response.body as { scope: string }).scope).toBe('reports:read reports:write');
  });

  it('refuses a scope beyond the client’s with 400 invalid_scope', async () => {
    const { post } = await fixture();
    const response = await post('/oauth/token', {
      grant_type: 'client_credentials',
      scope: 'reports:read admin',
    });
    expect(response.status).toBe(400);
    expect((response.body as { error: string }).error).toBe('invalid_scope');
  });

  it('refuses another grant type with 400 unsupported_grant_type, and a client without the grant', async () => {
    const { post } = await fixture();
    const password = await post('/oauth/token', { grant_type: 'password', username: 'a', password: 'b' });
    expect(password.status).toBe(400);
    expect((password.body as { error: string }).error).toBe('unsupported_grant_type');
    const noGrant = await post(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      basic('resource-server', RS_SECRET),
    );
    expect(noGrant.status).toBe(400);
    expect((noGrant.body as { error: string }).error).toBe('unauthorized_client');
  });

  it('answers a wrong secret, an unknown client and no credentials with 401 invalid_client and a Basic challenge', async () => {
    const { post, events } = await fixture();
    const cases = [
      basic('reports', `${REPORTS_SECRET.slice(0, -1)}x`),
      basic('nobody', REPORTS_SECRET),
      basic('reports', RS_SECRET),
      {},
      { authorization: 'Basic !!!' },
      { authorization: `Bearer ${REPORTS_SECRET}` },
    ];
    for (const headers of cases) {
      const response = await post('/oauth/token', { grant_type: 'client_credentials' }, headers);
      expect(response.status).toBe(401);
      expect((response.body as { error: string }).error).toBe('invalid_client');
      expect(response.headers['www-authenticate']).toBe('Basic realm="portcullis"');
    }
    expect(events).toContainEqual({
      type: 'client.auth_failed',
      clientId: 'reports',
      reason: 'wrong_secret',
    });
    expect(events).toContainEqual({
      type: 'client.auth_failed',
      clientId: undefined,
      reason: 'unknown_client',
    });
    expect(JSON.stringify(events)).not.toContain(REPORTS_SECRET.slice(0, 20));
  });

  it('refuses a client secret in the query string, and credentials sent two ways at once', async () => {
    const { post } = await fixture();
    const inQuery = await post(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      {},
      `?client_id=reports&client_secret=${REPORTS_SECRET}`,
    );
    expect(inQuery.status).toBe(400);
    expect((inQuery.body as { error: string }).error).toBe('invalid_request');
    // `token` in the URL is refused by the contract's URL-credential check, before any handler.
    const tokenInQuery = await post(
      '/oauth/introspect',
      { token: 'x' },
      basic('resource-server', RS_SECRET),
      '?token=x',
    );
    expect(tokenInQuery.status).toBe(400);
    const twice = await post('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: 'reports',
      client_secret: REPORTS_SECRET,
    });
    expect(twice.status).toBe(400);
  });

  it('refuses JSON and a repeated parameter with 400', async () => {
    const { call, post } = await fixture();
    const asJson = await call('POST', '/oauth/token', {
      headers: basic('reports', REPORTS_SECRET),
      body: { grant_type: 'client_credentials' },
    });
    expect(asJson.status).toBe(400);
    const repeated = await call('POST', '/oauth/token', {
      headers: { ...FORM, ...basic('reports', REPORTS_SECRET) },
      body: 'grant_type=client_credentials&scope=reports:read&scope=reports:write',
    });
    expect(repeated.status).toBe(400);
    expect((await post('/oauth/token', {})).status).toBe(400);
  });

  it('rate limits failed authentications per client id, and still lets the right secret through', async () => {
    const { post } = await fixture({ clients: { registered: CLIENTS, maxFailures: 3 } });
    const wrong = basic('reports', ADMIN_SECRET);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await post('/oauth/token', { grant_type: 'client_credentials' }, wrong)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await post('/oauth/token', { grant_type: 'client_credentials' }, wrong);
    expect(limited.headers['retry-after']).toBeDefined();
    // Another id is counted apart; the real client is never locked out by strangers failing in its name.
    expect(
      (await post('/oauth/token', { grant_type: 'client_credentials' }, basic('nobody', 'x'))).status,
    ).toBe(401);
    expect((await post('/oauth/token', { grant_type: 'client_credentials' })).status).toBe(200);
  });

  it('serves no OAuth endpoint without clients, and refuses weak or repeated client secrets at start-up', async () => {
    const { call } = await authFixture();
    await expect(call('POST', '/oauth/token')).rejects.toThrow('no route');
    await expect(
      authFixture({ clients: { registered: [{ id: 'weak', secret: 'changeme' }] } }),
    ).rejects.toThrow(/clients\.registered\[0\]\.secret/);
    await expect(authFixture({ clients: { registered: [CLIENTS[0]!, CLIENTS[0]!] } })).rejects.toThrow(
      /repeats client/,
    );
    await expect(
      authFixture({ clients: { registered: [{ id: 'a b', secret: REPORTS_SECRET }] } }),
    ).rejects.toThrow(/clients\.registered\[0\]\.id/);
  });
});

describe('POST /oauth/introspect (RFC 7662)', () => {
  it('describes an active client token and an active login token', async () => {
    const { clientToken, introspect, registerAndLogin } = await fixture();
    const info = await introspect(await clientToken('reports:read'));
    expect(info).toMatchObject({
      active: true,
      scope: 'reports:read',
      client_id: 'reports',
      sub: 'reports',
      iss: 'http://127.0.0.1:3000',
      aud: 'portcullis-demo',
      token_type: 'Bearer',
    });
    expect(typeof info['exp']).toBe('number');
    expect(typeof info['iat']).toBe('number');
    expect(typeof info['jti']).toBe('string');

    const alice = await registerAndLogin();
    const login = await introspect(alice.accessToken);
    expect(login).toMatchObject({ active: true, sub: alice.id, token_type: 'Bearer' });
    expect(typeof login['sid']).toBe('string');
    expect(login['client_id']).toBeUndefined();
    expect(await introspect(alice.refreshToken)).toEqual({
      active: true,
      sub: alice.id,
      exp: expect.any(Number),
      token_type: 'refresh_token',
    });
  });

  it('answers only {active:false} for unknown, malformed, foreign, other-issuer and expired tokens', async () => {
    const { clientToken, introspect, clock } = await fixture();
    const foreign = await fixture();
    const otherIssuer = await fixture({ issuer: 'https://other.example' });
    const cases = [
      'no-such-token',
      'a'.repeat(43),
      'x.y.z',
      await foreign.clientToken(),
      await otherIssuer.clientToken(),
    ];
    for (const token of cases) expect(await introspect(token)).toEqual({ active: false });
    const token = await clientToken();
    clock.advance(910); // past `exp` and the verifier's 5-second tolerance
    expect(await introspect(token)).toEqual({ active: false });
  });

  it('reports a rotated (spent) refresh token inactive, and the new one active', async () => {
    const { call, introspect, registerAndLogin } = await fixture();
    const alice = await registerAndLogin();
    const rotated = await call('POST', '/auth/refresh', { body: { refresh_token: alice.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(await introspect(alice.refreshToken)).toEqual({ active: false });
    expect((await introspect(rotated.cookie('__Host-portcullis-refresh')!))['active']).toBe(true);
  });

  it('reports an expired refresh token inactive', async () => {
    const { introspect, registerAndLogin, clock } = await fixture();
    const alice = await registerAndLogin();
    clock.advance(7 * 86_400);
    expect(await introspect(alice.refreshToken)).toEqual({ active: false });
  });

  it('describes a key-bound token (cnf) as token_type DPoP, with its cnf', async () => {
    const { auth, introspect } = await fixture();
    const client = {
      id: 'reports',
      scopes: ['reports:read'],
      grants: new Set(['client_credentials'] as const),
    };
    const response = await issueClientToken(auth, client, ['reports:read'], { jkt: 'thumbprint-of-the-key' });
    const body = response.body as { access_token: string; token_type: string };
    expect(body.token_type).toBe('DPoP');
    expect(await introspect(body.access_token)).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: 'thumbprint-of-the-key' },
    });
  });

  it('lets only clients with the introspection grant introspect', async () => {
    const { post, clientToken } = await fixture();
    const response = await post('/oauth/introspect', { token: await clientToken() });
    expect(response.status).toBe(403);
    expect((response.body as { error: string }).error).toBe('unauthorized_client');
    const noClient = await post('/oauth/introspect', { token: 'x' }, {});
    expect(noClient.status).toBe(401);
  });
});

describe('POST /oauth/revoke (RFC 7009)', () => {
  const admin = basic('session-admin', ADMIN_SECRET);

  it('ends a refresh token’s family and the access tokens issued from it; twice is 200 both times', async () => {
    const { post, call, introspect, registerAndLogin, events } = await fixture();
    const alice = await registerAndLogin();
    for (let i = 0; i < 2; i++) {
      const response = await post(
        '/oauth/revoke',
        { token: alice.refreshToken, token_type_hint: 'refresh_token' },
        admin,
      );
      expect(response.status).toBe(200);
      expect(response.body).toBeUndefined();
    }
    expect(await introspect(alice.refreshToken)).toEqual({ active: false });
    expect(await introspect(alice.accessToken)).toEqual({ active: false });
    const refresh = await call('POST', '/auth/refresh', { body: { refresh_token: alice.refreshToken } });
    expect(refresh.status).toBe(401);
    expect((refresh.body as { error: string }).error).toBe('invalid_grant');
    const me = await call('POST', '/api-keys', { headers: bearer(alice.accessToken), body: { name: 'x' } });
    expect(me.status).toBe(401);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'token.revoked', tokenType: 'refresh_token', subject: alice.id }),
    );
  });

  it('revokes an access token by jti and ends its login’s family', async () => {
    const { post, call, introspect, registerAndLogin } = await fixture();
    const alice = await registerAndLogin();
    expect((await post('/oauth/revoke', { token: alice.accessToken }, admin)).status).toBe(200);
    expect(await introspect(alice.accessToken)).toEqual({ active: false });
    expect(await introspect(alice.refreshToken)).toEqual({ active: false });
    const refresh = await call('POST', '/auth/refresh', { body: { refresh_token: alice.refreshToken } });
    expect(refresh.status).toBe(401);
  });

  it('answers 200 for unknown and malformed tokens, and lets a client revoke only its own tokens without the grant', async () => {
    const { post, clientToken, introspect, registerAndLogin } = await fixture();
    for (const token of ['nope', 'a'.repeat(43), 'x.y.z'])
      expect((await post('/oauth/revoke', { token }, admin)).status).toBe(200);

    const alice = await registerAndLogin();
    // `reports` has no revocation grant: 200, and Alice's tokens live on.
    expect((await post('/oauth/revoke', { token: alice.refreshToken })).status).toBe(200);
    expect((await post('/oauth/revoke', { token: alice.accessToken })).status).toBe(200);
    expect((await introspect(alice.accessToken))['active']).toBe(true);
    expect((await introspect(alice.refreshToken))['active']).toBe(true);

    const own = await clientToken();
    expect((await post('/oauth/revoke', { token: own })).status).toBe(200);
    expect(await introspect(own)).toEqual({ active: false });
  });

  it('needs client authentication', async () => {
    const { post } = await fixture();
    const response = await post('/oauth/revoke', { token: 'x' }, basic('session-admin', REPORTS_SECRET));
    expect(response.status).toBe(401);
    expect((response.body as { error: string }).error).toBe('invalid_client');
  });
});
