import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { createAccessTokenVerifier } from '../tokens/verify-access-token.js';
import { createRemoteKeySet } from './remote-key-set.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A real HTTP server on a loopback port playing an IdP's jwks_uri. */
async function serveJwks(handler: (count: number) => { status: number; body?: unknown; delayMs?: number }) {
  let requests = 0;
  server = createServer((_req, res) => {
    requests += 1;
    const reply = handler(requests);
    setTimeout(() => {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/jwks`), requests: () => requests };
}

async function idpKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const now = () => Math.floor(Date.now() / 1000);
async function idpAccessToken(privateKey: CryptoKey, kid: string, alg = 'RS256', typ = 'at+jwt') {
  return new SignJWT({ scope: 'reports:read', jti: 'j' })
    .setProtectedHeader({ alg, kid, typ })
    .setIssuer('https://idp.example')
    .setAudience('api')
    .setSubject('svc-1')
    .setIssuedAt(now())
    .setExpirationTime(now() + 300)
    .sign(privateKey);
}

describe('remote JWKS', () => {
  it("verifies an external issuer's token through its JWKS, fetching once", async () => {
    const key = await idpKey('k1');
    const jwks = await serveJwks(() => ({ status: 200, body: { keys: [key.jwk] } }));
    const verifier = createAccessTokenVerifier({
      keys: createRemoteKeySet(jwks.url, { algorithms: ['RS256'] }),
      issuer: 'https://idp.example',
      audience: 'api',
      cache: false,
    });
    const token = await idpAccessToken(key.privateKey as CryptoKey, 'k1');
    expect((await verifier.verify(token)).scopes).toEqual(['reports:read']);
    await verifier.verify(token);
    expect(jwks.requests()).toBe(1);
  });

  it('refuses an algorithm outside the pinned list, and never accepts HMAC from a JWKS', async () => {
    const key = await idpKey('k1');
    const jwks = await serveJwks(() => ({ status: 200, body: { keys: [key.jwk] } }));
    const verifier = createAccessTokenVerifier({
      keys: createRemoteKeySet(jwks.url, { algorithms: ['ES256'] }),
      issuer: 'https://idp.example',
      audience: 'api',
    });
    const error = await verifier
      .verify(await idpAccessToken(key.privateKey as CryptoKey, 'k1'))
      .catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe('unknown_key');
    expect(jwks.requests()).toBe(0);
    expect(() => createRemoteKeySet(jwks.url, { algorithms: ['HS256'] })).toThrow(TypeError);
    expect(() => createRemoteKeySet(new URL('http://idp.example/jwks'))).toThrow(
      /^portcullis: createRemoteKeySet\(url\): must use https/,
    );
  });

  it('fails closed with 503 when the JWKS endpoint is down, slow or broken', async () => {
    const key = await idpKey('k1');
    const token = await idpAccessToken(key.privateKey as CryptoKey, 'k1');
    for (const reply of [
      { status: 500 },
      { status: 200, body: { nope: true } },
      { status: 200, body: { keys: [key.jwk] }, delayMs: 500 },
    ]) {
      const jwks = await serveJwks(() => reply);
      const verifier = createAccessTokenVerifier({
        keys: createRemoteKeySet(jwks.url, { timeout: 100 }),
        issuer: 'https://idp.example',
        audience: 'api',
      });
      const error = await verifier.verify(token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).status).toBe(503);
      expect((error as AuthError).code).toBe('temporarily_unavailable');
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });

  it('refuses a token whose kid the JWKS does not have', async () => {
    const key = await idpKey('k1');
    const stranger = await idpKey('k2');
    const jwks = await serveJwks(() => ({ status: 200, body: { keys: [key.jwk] } }));
    const verifier = createAccessTokenVerifier({
      keys: createRemoteKeySet(jwks.url, { cooldown: 0 }),
      issuer: 'https://idp.example',
      audience: 'api',
    });
    const error = await verifier
      .verify(await idpAccessToken(stranger.privateKey as CryptoKey, 'k2'))
      .catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe('unknown_key');
  });
});

describe('remote JWKS: a cached token never outlives its key at the provider', () => {
  async function cachedToken(options: { cooldown?: number; cacheMaxAge?: number }) {
    const k1 = await idpKey('k1');
    const k2 = await idpKey('k2');
    let served = [k1.jwk];
    const jwks = await serveJwks(() => ({ status: 200, body: { keys: served } }));
    const verifier = createAccessTokenVerifier({
      keys: createRemoteKeySet(jwks.url, options),
      issuer: 'https://idp.example',
      audience: 'api',
    });
    const token = await idpAccessToken(k1.privateKey as CryptoKey, 'k1');
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifier.cacheSize).toBe(1);
    return {
      verifier,
      token,
      k1,
      k2,
      jwks,
      serve: (keys: typeof served) => {
        served = keys;
      },
    };
  }

  it('refuses the cached token once a refresh of the JWKS no longer has its kid', async () => {
    const { verifier, token, k2, serve } = await cachedToken({ cooldown: 0 });
    serve([k2.jwk]); // the provider withdraws k1
    // Another token, signed by the new key, makes the verifier fetch the JWKS again.
    await verifier.verify(await idpAccessToken(k2.privateKey as CryptoKey, 'k2'));
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe('unknown_key');
  });

  it('refuses it too when the kid stays but its key is replaced', async () => {
    const { verifier, token, k2, serve } = await cachedToken({ cooldown: 0 });
    const impostor = await idpKey('k1');
    serve([impostor.jwk, k2.jwk]);
    await verifier.verify(await idpAccessToken(k2.privateKey as CryptoKey, 'k2'));
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe('bad_signature');
  });

  it('verifies a cached token again once the JWKS is older than cacheMaxAge, and refuses it if its kid is gone', async () => {
    const { verifier, token, k2, serve, jwks } = await cachedToken({ cacheMaxAge: 1_000 });
    serve([k2.jwk]);
    expect((await verifier.verify(token)).subject).toBe('svc-1'); // still fresh: served from the cache
    const requests = jwks.requests();
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe('unknown_key');
    expect(jwks.requests()).toBe(requests + 1);
  });

  it('keeps cached tokens when a refresh only adds a key (a provider pre-publishing its next key)', async () => {
    const { verifier, k1, k2, serve } = await cachedToken({ cooldown: 0 });
    serve([k1.jwk, k2.jwk]);
    // Seen once, the k2 token is not admitted: the one entry left is the k1 token's, not dropped.
    await verifier.verify(await idpAccessToken(k2.privateKey as CryptoKey, 'k2'));
    expect(verifier.cacheSize).toBe(1);
  });
});
