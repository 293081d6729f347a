import { describe, expect, it } from 'vitest';
import type { OAuthClientConfig } from '../../clients/client-registry.js';
import { createDpopProver } from '../../dpop/dpop-prover.js';
import { authFixture, ORIGIN } from '../../testing/auth.js';

const SECRET = 'dP0p-cl13nt-Qm9vTg7WbX2kLp4zHn8Yc1Jd6Fv5Tr0Ae';
const RS_SECRET = 'iNtr0sp3ct-Lk2Pq8Wz5Xm1Nb7Vc4Hj9Gf6Ds3Ta0Yr';
const CLIENTS: OAuthClientConfig[] = [
  { id: 'worker', secret: SECRET, scopes: ['reports:read'] },
  { id: 'resource-server', secret: RS_SECRET, grants: ['introspection'] },
];
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(dpop?: string) {
  const f = await authFixture({ clients: { registered: CLIENTS } });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string>) =>
    f.call('POST', path, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: '127.0.0.1:3000', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  return { f, post, dpop };
}

describe('POST /oauth/token with a DPoP proof (RFC 9449 §5)', () => {
  it('binds the client-credentials token to the proof key: cnf.jkt, token_type DPoP, introspected as DPoP', async () => {
    const { f, post } = await tokenRequest();
    const client = await createDpopProver({ clock: f.clock });
    const response = await post(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basic('worker', SECRET), dpop: await client.proof('POST', `${ORIGIN}/oauth/token`) },
    );
    expect(response.status).toBe(200);
    const body = response.body as { access_token: string; token_type: string };
    expect(body.token_type).toBe('DPoP');
    const principal = await f.auth.verifier.verify(body.access_token);
    expect(principal.claims['cnf']).toEqual({ jkt: client.jkt });
    const introspected = await post(
      '/oauth/introspect',
      { token: body.access_token },
      { authorization: basic('resource-server', RS_SECRET) },
    );
    expect(introspected.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: client.jkt } });
    // Bound: refused as a bearer token, accepted with a proof of the key.
    await expect(
      f.auth.authenticate({
        method: 'GET',
        url: '/reports',
        headers: { authorization: `Bearer ${body.access_token}` },
      }),
    ).rejects.toMatchObject({ reason: 'dpop_bound_token_without_proof' });
    const context = await f.auth.authenticate({
      method: 'GET',
      url: '/reports',
      headers: {
        host: '127.0.0.1:3000',
        authorization: `DPoP ${body.access_token}`,
        dpop: await client.proof('GET', `${ORIGIN}/reports`, { accessToken: body.access_token }),
      },
    });
    expect([context.subject, context.method]).toEqual(['worker', 'dpop']);
  });

  it('refuses a proof for another URL, and issues nothing', async () => {
    const { f, post } = await tokenRequest();
    const client = await createDpopProver({ clock: f.clock });
    const response = await post(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basic('worker', SECRET), dpop: await client.proof('POST', `${ORIGIN}/auth/login`) },
    );
    expect([response.status, (response.body as { error: string }).error]).toEqual([
      400,
      'invalid_dpop_proof',
    ]);
    expect(f.events).not.toContainEqual(expect.objectContaining({ type: 'client.token_issued' }));
  });
});
