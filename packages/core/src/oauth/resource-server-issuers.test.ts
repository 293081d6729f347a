import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthError, isAuthError } from '../errors/auth-error.js';
import type { JwsAlgorithm } from '../keys/algorithms.js';
import type { IssuerConfig } from './resource-server.js';
import { createResourceServer } from './resource-server.js';

const API_A = 'https://a.api.example.test';
const API_B = 'https://b.api.example.test';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

type Alg = 'RS256' | 'ES256' | 'EdDSA';

/** An issuer on a loopback port: discovery metadata and a JWKS, every request counted. */
async function startIssuer() {
  const published: JWK[] = [];
  const hits = { count: 0 };
  const server = createServer((req, res) => {
    hits.count += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        req.url === '/.well-known/openid-configuration'
          ? { issuer, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'] }
          : { keys: published },
      ),
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** A new key of this issuer, published in its JWKS. */
  async function key(kid: string, alg: Alg) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    published.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
    return { kid, alg, privateKey: privateKey as CryptoKey };
  }
  return { issuer, hits, key };
}

type Key = Awaited<ReturnType<Awaited<ReturnType<typeof startIssuer>>['key']>>;

function sign(key: Key, claims: { iss: string; aud: string; sub?: string }) {
  return new SignJWT({ scope: 'reports:read', jti: `${key.kid}-${Math.random()}` })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(claims.iss)
    .setAudience(claims.aud)
    .setSubject(claims.sub ?? 'svc-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

const bearer = (token: string) => ({
  method: 'GET',
  url: '/reports',
  headers: { authorization: `Bearer ${token}` },
});

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error;
}

/** Two tenants: A signs with ES256, B with EdDSA, each for its own audience. */
async function twoTenants() {
  const [a, b] = await Promise.all([startIssuer(), startIssuer()]);
  const [keyA, keyB] = await Promise.all([a.key('k1', 'ES256'), b.key('k1', 'EdDSA')]);
  const configA: IssuerConfig = { issuer: a.issuer, audience: API_A, algorithms: ['ES256'] };
  const configB: IssuerConfig = { issuer: b.issuer, audience: API_B, algorithms: ['EdDSA'] };
  return { a, b, keyA, keyB, configA, configB };
}

describe('createResourceServer with many issuers', () => {
  it('verifies each issuer’s tokens with its own keys and audience', async () => {
    const { a, b, keyA, keyB, configA, configB } = await twoTenants();
    const api = createResourceServer({ issuers: [configA, configB] });
    const fromA = await api.authenticate(
      bearer(await sign(keyA, { iss: a.issuer, aud: API_A, sub: 'alice' })),
    );
    const fromB = await api.authenticate(bearer(await sign(keyB, { iss: b.issuer, aud: API_B, sub: 'bob' })));
    expect([fromA.subject, fromA.claims['iss'], fromB.subject, fromB.claims['iss']]).toEqual([
      'alice',
      a.issuer,
      'bob',
      b.issuer,
    ]);
  });

  it('never lets a token of tenant A authorise on tenant B', async () => {
    const { a, keyA, configA, configB } = await twoTenants();
    const api = createResourceServer({ issuers: [configA, configB] });
    // Issuer A mints a token for B's audience: A's audience alone is accepted from A.
    const forB = await sign(keyA, { iss: a.issuer, aud: API_B });
    expect((await refusal(api.authenticate(bearer(forB)))).reason).toBe('wrong_audience');
    // Tenant B's own server does not serve issuer A at all.
    const tenantB = createResourceServer({
      resolveIssuer: (iss) => (iss === configB.issuer ? configB : undefined),
    });
    const fromA = await sign(keyA, { iss: a.issuer, aud: API_A });
    expect((await refusal(tenantB.authenticate(bearer(fromA)))).reason).toBe('unknown_issuer');
  });

  it('refuses a token signed by A that claims iss B under a kid B also publishes', async () => {
    const [a, b] = await Promise.all([startIssuer(), startIssuer()]);
    // Same kid string, same algorithm, different keys.
    const [keyA, keyB] = await Promise.all([a.key('shared', 'ES256'), b.key('shared', 'ES256')]);
    const api = createResourceServer({
      issuers: [
        { issuer: a.issuer, audience: API_A, algorithms: ['ES256'] },
        { issuer: b.issuer, audience: API_B, algorithms: ['ES256'] },
      ],
    });
    const spoofed = await sign(keyA, { iss: b.issuer, aud: API_B });
    const error = await refusal(api.authenticate(bearer(spoofed)));
    expect([error.status, error.reason]).toEqual([401, 'bad_signature']);
    // A's own tokens and B's own tokens still pass.
    await api.authenticate(bearer(await sign(keyA, { iss: a.issuer, aud: API_A })));
    await api.authenticate(bearer(await sign(keyB, { iss: b.issuer, aud: API_B })));
  });

  it('refuses an unknown issuer with 401 before any request to any issuer', async () => {
    const { a, b, configA, configB } = await twoTenants();
    const stranger = await startIssuer();
    const strangerKey = await stranger.key('k1', 'ES256');
    const token = await sign(strangerKey, { iss: stranger.issuer, aud: API_A });
    let asked = 0;
    for (const api of [
      createResourceServer({ issuers: [configA, configB] }),
      createResourceServer({
        resolveIssuer: (iss) => {
          asked += 1;
          return [configA, configB].find((c) => c.issuer === iss);
        },
      }),
    ]) {
      const error = await refusal(api.authenticate(bearer(token)));
      expect(api.errorResponse(error).status).toBe(401);
      expect([error.code, error.reason]).toEqual(['invalid_token', 'unknown_issuer']);
    }
    expect(asked).toBe(1);
    expect([a.hits.count, b.hits.count, stranger.hits.count]).toEqual([0, 0, 0]);
  });

  it('pins each issuer’s algorithms: an EdDSA token claiming iss A (ES256 only) is refused', async () => {
    const { a, b, keyB, configA, configB } = await twoTenants();
    // A also publishes an Ed25519 key (mid-migration), but its configuration pins ES256.
    const edOfA = await a.key('ed', 'EdDSA');
    const api = createResourceServer({ issuers: [configA, configB] });
    for (const token of [
      await sign(edOfA, { iss: a.issuer, aud: API_A }),
      await sign(keyB, { iss: a.issuer, aud: API_A }),
    ]) {
      expect((await refusal(api.authenticate(bearer(token)))).reason).toBe('unknown_key');
    }
    expect((await api.authenticate(bearer(await sign(keyB, { iss: b.issuer, aud: API_B })))).subject).toBe(
      'svc-1',
    );
  });

  it('builds a resolved issuer’s verifier once, shares the first call and keeps at most maxIssuers', async () => {
    const { a, b, keyA, keyB, configA, configB } = await twoTenants();
    const asked: string[] = [];
    const api = createResourceServer({
      resolveIssuer: async (iss) => {
        asked.push(iss);
        return [configA, configB].find((c) => c.issuer === iss);
      },
      maxIssuers: 1,
    });
    const tokenA = await sign(keyA, { iss: a.issuer, aud: API_A });
    await Promise.all(Array.from({ length: 5 }, () => api.authenticate(bearer(tokenA))));
    await api.authenticate(bearer(tokenA));
    expect(asked).toEqual([a.issuer]);
    expect(a.hits.count).toBe(2); // discovery and JWKS, once
    await api.authenticate(bearer(await sign(keyB, { iss: b.issuer, aud: API_B })));
    // B took A's place: A is resolved (and its keys fetched) again.
    await api.authenticate(bearer(tokenA));
    expect(asked).toEqual([a.issuer, b.issuer, a.issuer]);
    expect(a.hits.count).toBe(4);
  });

  it('answers 503 while the resolver fails, and refuses a resolver answer for another issuer', async () => {
    const { a, keyA, configB } = await twoTenants();
    const token = await sign(keyA, { iss: a.issuer, aud: API_A });
    const failing = createResourceServer({
      resolveIssuer: () => Promise.reject(new Error('tenant database down')),
    });
    const error = await refusal(failing.authenticate(bearer(token)));
    expect([failing.errorResponse(error).status, error.reason]).toEqual([503, 'issuer_resolution_failed']);
    const confused = createResourceServer({ resolveIssuer: () => configB });
    await expect(confused.authenticate(bearer(token))).rejects.toThrow(TypeError);
  });

  it('refuses ambiguous options at start-up', async () => {
    const { configA, configB } = await twoTenants();
    const misuses: unknown[] = [
      { issuer: configA.issuer, audience: API_A, issuers: [configB] },
      { issuers: [configA], audience: API_A },
      { issuers: [configA, { ...configA, audience: API_B }] },
      { issuers: [] },
      { issuers: [{ ...configA, algorithms: ['HS256'] }] },
      { issuers: [{ ...configA, algorithms: undefined }] },
      { issuers: [configA], resolveIssuer: () => undefined },
      { resolveIssuer: () => undefined, maxIssuers: 0 },
      { resolveIssuer: 'https://idp.example' },
      {
        issuers: [configA],
        introspection: { endpoint: 'https://idp.example/introspect', clientId: 'c', clientSecret: 's' },
      },
    ];
    for (const options of misuses) {
      expect(() => createResourceServer(options as never), JSON.stringify(options)).toThrow(
        /^portcullis: createResourceServer/,
      );
    }
    // The option types refuse the same mixtures.
    expect(() =>
      // @ts-expect-error issuer and issuers together
      createResourceServer({ issuer: configA.issuer, audience: API_A, issuers: [configB] }),
    ).toThrow(TypeError);
    expect(() =>
      // @ts-expect-error a per-issuer field at the top level beside issuers
      createResourceServer({ issuers: [configA], algorithms: ['ES256'] }),
    ).toThrow(TypeError);
    expect(() =>
      // @ts-expect-error issuers and resolveIssuer together
      createResourceServer({ issuers: [configA], resolveIssuer: () => undefined }),
    ).toThrow(TypeError);
    const algorithms: JwsAlgorithm[] = ['ES256'];
    expect(() => createResourceServer({ issuers: [{ ...configA, algorithms }] })).not.toThrow();
  });
});
