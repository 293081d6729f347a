import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDpopProver, type DpopProver } from '../dpop/dpop-prover.js';
import { isAuthError } from '../errors/auth-error.js';
import { requireScopes } from '../policy/requirement.js';
import { createMemoryOAuthStateStore } from '../stores/memory/memory-oauth-state-store.js';
import {
  API,
  claimsOf,
  SERVICE_ID,
  SERVICE_SECRET,
  startTestProvider,
  type TestProvider,
} from '../testing/openid-provider.js';
import { createClientCredentials } from './client-credentials.js';
import { createResourceServer } from './resource-server.js';

// DPoP-bound access tokens of an external authorization server (oidc-provider, client credentials grant
// with a DPoP proof made by oauth4webapi through createClientCredentials), used at a resource server.
let idp: TestProvider;
let token: string;
let client: DpopProver;
const URL_ = 'http://api.example.test/reports';

beforeAll(async () => {
  idp = await startTestProvider();
  const keys = await generateKeyPair('ES256');
  client = await createDpopProver({ alg: 'ES256', ...keys });
  token = await createClientCredentials({
    issuer: idp.issuer,
    clientId: SERVICE_ID,
    clientSecret: SERVICE_SECRET,
    scope: 'reports:read',
    resource: API,
    dpop: keys,
  }).getToken();
});
afterAll(() => idp.close());

const request = (headers: Record<string, string>) => ({
  method: 'GET',
  url: '/reports',
  headers: { host: 'api.example.test', ...headers },
});

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error;
}

describe('createResourceServer with DPoP-bound tokens of an external issuer', () => {
  it('gets a bound token from the issuer (cnf.jkt of the client key) and accepts it with a proof', async () => {
    expect(claimsOf(token)['cnf']).toEqual({ jkt: client.jkt });
    const api = createResourceServer({ issuer: idp.issuer, audience: API, algorithms: ['RS256'] });
    const principal = await api.authenticate(
      request({
        authorization: `DPoP ${token}`,
        dpop: await client.proof('GET', URL_, { accessToken: token }),
      }),
    );
    expect(principal).toMatchObject({ subject: SERVICE_ID, method: 'dpop' });
    api.authorize(principal, requireScopes('reports:read'));
  });

  it('refuses the bound token as a bearer token, with another key, and a proof replayed at a second instance', async () => {
    const replay = createMemoryOAuthStateStore();
    const a = createResourceServer({
      issuer: idp.issuer,
      audience: API,
      algorithms: ['RS256'],
      dpop: { replay },
    });
    const b = createResourceServer({
      issuer: idp.issuer,
      audience: API,
      algorithms: ['RS256'],
      dpop: { replay },
    });
    const bearer = await refusal(a.authenticate(request({ authorization: `Bearer ${token}` })));
    expect([bearer.code, bearer.reason]).toEqual(['invalid_token', 'dpop_bound_token_without_proof']);
    expect(a.errorResponse(bearer).headers['www-authenticate']).toMatch(/^DPoP /);
    const thief = await createDpopProver();
    const stolen = await refusal(
      a.authenticate(
        request({
          authorization: `DPoP ${token}`,
          dpop: await thief.proof('GET', URL_, { accessToken: token }),
        }),
      ),
    );
    expect(stolen.reason).toBe('key_mismatch');
    const proof = await client.proof('GET', URL_, { accessToken: token });
    await a.authenticate(request({ authorization: `DPoP ${token}`, dpop: proof }));
    const replayed = await refusal(b.authenticate(request({ authorization: `DPoP ${token}`, dpop: proof })));
    expect(replayed.reason).toBe('replayed_jti');
  });

  it('refuses the DPoP scheme when dpop is false, and bearer tokens on a DPoP-only route', async () => {
    const off = createResourceServer({
      issuer: idp.issuer,
      audience: API,
      algorithms: ['RS256'],
      dpop: false,
    });
    const refused = await refusal(
      off.authenticate(
        request({
          authorization: `DPoP ${token}`,
          dpop: await client.proof('GET', URL_, { accessToken: token }),
        }),
      ),
    );
    expect(refused.code).toBe('invalid_request');
    const api = createResourceServer({ issuer: idp.issuer, audience: API, algorithms: ['RS256'] });
    const onlyDpop = await refusal(
      api.authenticate(request({ authorization: 'Bearer abc.def.ghi' }), { via: ['dpop'] }),
    );
    expect([onlyDpop.code, onlyDpop.reason]).toEqual(['invalid_dpop_proof', 'bearer_not_accepted']);
  });
});
