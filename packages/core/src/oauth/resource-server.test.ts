import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/auth-error.js';
import { requireScopes } from '../policy/requirement.js';
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

// Access tokens issued by a real authorization server (oidc-provider: client credentials grant, RFC 8707
// resource indicator, RFC 9068 JWT access tokens), verified through its discovered JWKS.
let idp: TestProvider;
let otherIdp: TestProvider;
let token: string;

beforeAll(async () => {
  [idp, otherIdp] = await Promise.all([startTestProvider(), startTestProvider()]);
  token = await createClientCredentials({
    issuer: idp.issuer,
    clientId: SERVICE_ID,
    clientSecret: SERVICE_SECRET,
    scope: 'reports:read',
    resource: API,
  }).getToken();
});
afterAll(() => Promise.all([idp.close(), otherIdp.close()]));

const request = (headers: Record<string, string>, url = '/reports') => ({ method: 'GET', url, headers });
const bearer = (value: string) => request({ authorization: `Bearer ${value}` });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error;
}

describe('createResourceServer', () => {
  it('authenticates an RFC 9068 access token of the issuer, its JWKS found by discovery', async () => {
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).typ).toBe('at+jwt');
    const api = createResourceServer({ issuer: idp.issuer, audience: API, algorithms: ['RS256'] });
    const principal = await api.authenticate(bearer(token));
    expect(principal).toMatchObject({ subject: SERVICE_ID, scopes: ['reports:read'], method: 'bearer' });
    api.authorize(principal, requireScopes('reports:read'));
    expect(() => api.authorize(principal, requireScopes('reports:write'))).toThrow(
      expect.objectContaining({ code: 'insufficient_scope', status: 403 }),
    );
  });

  it('uses a given jwksUri without discovery', async () => {
    const api = createResourceServer({ issuer: idp.issuer, audience: API, jwksUri: `${idp.issuer}/jwks` });
    const before = idp.hits.get('/.well-known/openid-configuration') ?? 0;
    await api.authenticate(bearer(token));
    expect(idp.hits.get('/.well-known/openid-configuration') ?? 0).toBe(before);
  });

  it('refuses a token for another audience, of another issuer, or with the wrong typ', async () => {
    const other = createResourceServer({ issuer: idp.issuer, audience: 'https://other-api.example' });
    expect((await refusal(other.authenticate(bearer(token)))).reason).toBe('wrong_audience');
    const elsewhere = createResourceServer({ issuer: otherIdp.issuer, audience: API });
    // Signed by a key the other issuer's JWKS does not have.
    expect((await refusal(elsewhere.authenticate(bearer(token)))).code).toBe('invalid_token');
    // An ID token (typ JWT) of the same issuer and key is not an access token.
    const idToken = await idp.sign({ ...claimsOf(token), typ: undefined }, { typ: 'JWT' });
    const api = createResourceServer({ issuer: idp.issuer, audience: API });
    expect((await refusal(api.authenticate(bearer(idToken)))).reason).toBe('wrong_typ');
  });

  it('refuses a forged token signed under the issuer’s kid with another key, and algorithms not pinned', async () => {
    const api = createResourceServer({ issuer: idp.issuer, audience: API });
    const forged = await idp.sign(claimsOf(token), { key: otherIdp.signingKey, typ: 'at+jwt' });
    expect((await refusal(api.authenticate(bearer(forged)))).reason).toBe('bad_signature');
    const ps256Only = createResourceServer({ issuer: idp.issuer, audience: API, algorithms: ['PS256'] });
    expect((await refusal(ps256Only.authenticate(bearer(token)))).reason).toBe('unknown_key');
  });

  it('answers like createAuth for missing, malformed and URL credentials', async () => {
    const api = createResourceServer({ issuer: idp.issuer, audience: API });
    const missing = await refusal(api.authenticate(request({})));
    expect(api.errorResponse(missing)).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="portcullis"' },
    });
    const malformed = await refusal(api.authenticate(request({ authorization: 'Basic abc' })));
    expect(api.errorResponse(malformed).status).toBe(401);
    expect(api.errorResponse(malformed).headers['www-authenticate']).toContain('error="invalid_request"');
    const inUrl = await refusal(
      api.authenticate({ ...bearer(token), url: `/reports?access_token=${token.slice(0, 10)}` }),
    );
    expect(api.errorResponse(inUrl).status).toBe(400);
  });

  it('fails closed with 503 while the issuer cannot be discovered, and recovers', async () => {
    idp.failures.set('/.well-known/openid-configuration', 'status-500');
    const api = createResourceServer({ issuer: idp.issuer, audience: API, timeout: 0.5 });
    try {
      const error = await refusal(api.authenticate(bearer(token)));
      expect(api.errorResponse(error)).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    } finally {
      idp.failures.clear();
    }
    expect((await api.authenticate(bearer(token))).subject).toBe(SERVICE_ID);
  });

  it('refuses misused options at start-up', () => {
    expect(() => createResourceServer({ issuer: 'http://idp.example', audience: API })).toThrow(TypeError);
    expect(() => createResourceServer({ issuer: idp.issuer, audience: API, algorithms: ['HS256'] })).toThrow(
      TypeError,
    );
    expect(() => createResourceServer({ issuer: idp.issuer, audience: API, algorithms: [] })).toThrow(
      TypeError,
    );
    expect(() => createResourceServer({ issuer: idp.issuer, audience: [] })).toThrow(TypeError);
    expect(() =>
      createResourceServer({ issuer: idp.issuer, audience: API, discovery: 'saml' as never }),
    ).toThrow(TypeError);
  });

  it('has the shape the adapters’ authenticate middleware takes', () => {
    const api = createResourceServer({ issuer: idp.issuer, audience: API });
    expect(Object.keys(api).sort()).toEqual([
      'authenticate',
      'authorize',
      'errorResponse',
      'routes',
      'verifier',
    ]);
    expect(api.routes).toEqual([]);
  });
});
