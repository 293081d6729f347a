import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAuthError } from '../errors/auth-error.js';
import { createResourceServer } from './resource-server.js';

const API = 'https://api.example.test';
let server: Server | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** An issuer on a loopback port: discovery metadata, and a JWKS the test changes. */
async function startIssuer() {
  let keys: JWK[] = [];
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        req.url === '/.well-known/openid-configuration'
          ? { issuer, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'] }
          : { keys },
      ),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  async function key(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const sign = () =>
      new SignJWT({ scope: 'reports:read', jti: `${kid}-${Math.random()}` })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(API)
        .setSubject('svc-1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey as CryptoKey);
    return { jwk, sign };
  }
  const publish = (next: JWK[]) => {
    keys = next;
  };
  return { issuer, key, publish };
}

describe('createResourceServer with a discovered JWKS', () => {
  it('refuses a cached token once the issuer withdraws its key', async () => {
    const idp = await startIssuer();
    const [k1, k2] = await Promise.all([idp.key('k1'), idp.key('k2')]);
    idp.publish([k1.jwk]);
    const api = createResourceServer({ issuer: idp.issuer, audience: API });
    const token = await k1.sign();
    const bearer = (value: string) => ({
      method: 'GET',
      url: '/reports',
      headers: { authorization: `Bearer ${value}` },
    });
    await api.authenticate(bearer(token));
    await api.authenticate(bearer(token));
    expect(api.verifier.cacheSize).toBe(1);
    idp.publish([k2.jwk]);
    // Past the 30 s cooldown (only the date is faked), a token of the new key makes the JWKS be fetched again.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
    expect((await api.authenticate(bearer(await k2.sign()))).subject).toBe('svc-1');
    const error = await api.authenticate(bearer(token)).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isAuthError(error)) throw new Error('the withdrawn key still verified');
    expect(error.reason).toBe('unknown_key');
  });
});
