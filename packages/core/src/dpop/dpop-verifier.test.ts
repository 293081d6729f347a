import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { errorResponse } from '../http/error-response.js';
import { createProxyTrust } from '../http/trust-proxy.js';
import type { AuthRequest } from '../http/types.js';
import { createMemoryOAuthStateStore } from '../stores/memory/memory-oauth-state-store.js';
import { createDpopProver } from './dpop-prover.js';
import { createDpopVerifier, type DpopOptions } from './dpop-verifier.js';

const SECRET = new Uint8Array(32).fill(7);
const URL_ = 'http://api.example:8080/reports';

function verifierAt(now: { ms: number }, options?: DpopOptions, replay = createMemoryOAuthStateStore()) {
  return createDpopVerifier({
    options,
    replay,
    secret: SECRET,
    proxyTrust: createProxyTrust(0),
    clock: () => now.ms,
  });
}

function request(proof: string | string[] | undefined, method = 'GET', url = '/reports?page=2'): AuthRequest {
  return {
    method,
    url,
    headers: { host: 'api.example:8080', ...(proof === undefined ? {} : { dpop: proof }) },
  };
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('DPoP proofs (RFC 9449 §4.3)', () => {
  it('accepts a fresh proof for this method and URL (query ignored, default port and case normalised)', async () => {
    const now = { ms: Date.now() };
    const client = await createDpopProver();
    const verifier = verifierAt(now);
    const proof = await client.proof('GET', 'HTTP://API.EXAMPLE:8080/reports?page=9#x');
    await expect(verifier.verify(request(proof), { where: 'resource' })).resolves.toEqual({
      jkt: client.jkt,
    });
  });

  it('accepts ES256, ES384, PS256 and RS256 keys too', async () => {
    const verifier = verifierAt({ ms: Date.now() });
    for (const alg of ['ES256', 'ES384', 'PS256', 'RS256'] as const) {
      const client = await createDpopProver({ alg });
      const proof = await client.proof('GET', URL_);
      await expect(verifier.verify(request(proof), { where: 'resource' })).resolves.toEqual({
        jkt: client.jkt,
      });
    }
  });

  it('refuses a replayed proof, even through a second verifier sharing the store', async () => {
    const now = { ms: Date.now() };
    const shared = createMemoryOAuthStateStore();
    const client = await createDpopProver();
    const proof = await client.proof('GET', URL_);
    await verifierAt(now, undefined, shared).verify(request(proof), { where: 'resource' });
    const again = await refusal(
      verifierAt(now, undefined, shared).verify(request(proof), { where: 'resource' }),
    );
    expect([again.code, again.reason, again.status]).toEqual(['invalid_dpop_proof', 'replayed_jti', 401]);
  });

  it('refuses a wrong method, another URL, another host, a stale or future iat', async () => {
    const now = { ms: Date.now() };
    const verifier = verifierAt(now);
    const client = await createDpopProver();
    const cases: Array<[string, Promise<string>, AuthRequest?]> = [
      ['wrong_htm', client.proof('POST', URL_)],
      ['wrong_htu', client.proof('GET', 'http://api.example:8080/reports/1')],
      ['wrong_htu', client.proof('GET', 'http://evil.example:8080/reports')],
      ['wrong_htu', client.proof('GET', 'http://api.example:8081/reports')],
      ['stale_iat', client.proof('GET', URL_, { claims: { iat: Math.floor(now.ms / 1000) - 70 } })],
      ['iat_in_future', client.proof('GET', URL_, { claims: { iat: Math.floor(now.ms / 1000) + 30 } })],
      ['bad_iat', client.proof('GET', URL_, { claims: { iat: 'now' } })],
      ['bad_jti', client.proof('GET', URL_, { claims: { jti: undefined } })],
    ];
    for (const [reason, proof] of cases) {
      const error = await refusal(verifier.verify(request(await proof), { where: 'resource' }));
      expect([error.code, error.reason]).toEqual(['invalid_dpop_proof', reason]);
    }
  });

  it('requires ath to hash the presented access token, and the key the token is bound to', async () => {
    const verifier = verifierAt({ ms: Date.now() });
    const client = await createDpopProver();
    const thief = await createDpopProver();
    const missing = await refusal(
      verifier.verify(request(await client.proof('GET', URL_)), { where: 'resource', accessToken: 'tok' }),
    );
    expect(missing.reason).toBe('missing_ath');
    const wrong = await refusal(
      verifier.verify(request(await client.proof('GET', URL_, { accessToken: 'other' })), {
        where: 'resource',
        accessToken: 'tok',
      }),
    );
    expect(wrong.reason).toBe('wrong_ath');
    const stolen = await refusal(
      verifier.verify(request(await thief.proof('GET', URL_, { accessToken: 'tok' })), {
        where: 'resource',
        accessToken: 'tok',
        jkt: client.jkt,
      }),
    );
    expect(stolen.reason).toBe('key_mismatch');
  });

  it('refuses what a naive JWT check accepts: alg none, HS256, a private key in the header, typ JWT, a bad signature', async () => {
    const verifier = verifierAt({ ms: Date.now() });
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    const privateJwk = await exportJWK(privateKey);
    const claims = () => ({
      htm: 'GET',
      htu: URL_,
      jti: crypto.randomUUID(),
      iat: Math.floor(Date.now() / 1000),
    });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk })}.${b64(claims())}.`;
    const hs = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'AAAA' } as never })
      .sign(new Uint8Array(32));
    const withPrivate = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: privateJwk })
      .sign(privateKey);
    const plainJwt = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', jwk })
      .sign(privateKey);
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk })
      .sign(other.privateKey);
    const algMismatch = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign((await generateKeyPair('ES256')).privateKey);
    const expected: Array<[string, string]> = [
      [none, 'malformed_proof'],
      [hs, 'algorithm_not_allowed'],
      [withPrivate, 'bad_jwk'],
      [plainJwt, 'wrong_typ'],
      [forged, 'bad_signature'],
      [algMismatch, 'bad_jwk'],
    ];
    for (const [proof, reason] of expected) {
      const error = await refusal(verifier.verify(request(proof), { where: 'resource' }));
      expect([error.code, error.reason]).toEqual(['invalid_dpop_proof', reason]);
    }
  });

  it('refuses a missing proof, two proofs, and answers resources with a DPoP challenge naming the algorithms', async () => {
    const verifier = verifierAt({ ms: Date.now() });
    const client = await createDpopProver();
    const missing = await refusal(verifier.verify(request(undefined), { where: 'resource' }));
    expect(missing.reason).toBe('missing_proof');
    const two = [await client.proof('GET', URL_), await client.proof('GET', URL_)];
    expect((await refusal(verifier.verify(request(two), { where: 'resource' }))).reason).toBe(
      'several_proofs',
    );
    const response = errorResponse(missing);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(
      /^DPoP realm="portcullis", error="invalid_dpop_proof", error_description="[^"]+", algs="EdDSA ES256 ES384 PS256 RS256"$/,
    );
    const atToken = errorResponse(await refusal(verifier.verify(request(undefined), { where: 'token' })));
    expect([atToken.status, atToken.headers['www-authenticate']]).toEqual([400, undefined]);
  });

  it('spends nothing for a refused proof: the same jti is accepted once fixed', async () => {
    const verifier = verifierAt({ ms: Date.now() });
    const client = await createDpopProver();
    const jti = crypto.randomUUID();
    await refusal(
      verifier.verify(request(await client.proof('POST', URL_, { claims: { jti } })), { where: 'resource' }),
    );
    await expect(
      verifier.verify(request(await client.proof('GET', URL_, { claims: { jti } })), { where: 'resource' }),
    ).resolves.toEqual({ jkt: client.jkt });
  });
});

describe('DPoP server nonces (RFC 9449 §8)', () => {
  it('asks for a nonce with DPoP-Nonce, accepts it, and refuses an old or forged one', async () => {
    const now = { ms: Date.now() };
    const verifier = verifierAt(now, { nonce: 'required', nonceLifetime: '5m' });
    const client = await createDpopProver();
    const first = await refusal(
      verifier.verify(request(await client.proof('GET', URL_)), { where: 'resource' }),
    );
    expect([first.code, first.reason, first.status]).toEqual(['use_dpop_nonce', 'nonce_missing', 401]);
    const nonce = first.headers!['dpop-nonce']!;
    expect(errorResponse(first).headers['dpop-nonce']).toBe(nonce);
    expect(errorResponse(first).headers['www-authenticate']).toContain('error="use_dpop_nonce"');
    await expect(
      verifier.verify(request(await client.proof('GET', URL_, { nonce })), { where: 'resource' }),
    ).resolves.toEqual({ jkt: client.jkt });
    const forged = await refusal(
      verifier.verify(
        request(
          await client.proof('GET', URL_, { nonce: `${nonce.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAAAA` }),
        ),
        {
          where: 'token',
        },
      ),
    );
    expect([forged.code, forged.reason, forged.status]).toEqual(['use_dpop_nonce', 'nonce_stale', 400]);
    now.ms += 11 * 60_000; // two periods on: the nonce is too old
    const old = await refusal(
      verifier.verify(
        request(await client.proof('GET', URL_, { nonce, claims: { iat: Math.floor(now.ms / 1000) } })),
        {
          where: 'resource',
        },
      ),
    );
    expect([old.code, old.reason]).toEqual(['use_dpop_nonce', 'nonce_stale']);
    expect(old.headers!['dpop-nonce']).not.toBe(nonce);
  });

  it('shares nonces between instances with the same secret, not with another', async () => {
    const now = { ms: Date.now() };
    const a = verifierAt(now, { nonce: 'required' });
    const b = verifierAt(now, { nonce: 'required' });
    const stranger = createDpopVerifier({
      options: { nonce: 'required' },
      replay: createMemoryOAuthStateStore(),
      secret: new Uint8Array(32).fill(9),
      proxyTrust: createProxyTrust(0),
      clock: () => now.ms,
    });
    const client = await createDpopProver();
    const nonce = (await refusal(a.verify(request(await client.proof('GET', URL_)), { where: 'resource' })))
      .headers!['dpop-nonce']!;
    await expect(
      b.verify(request(await client.proof('GET', URL_, { nonce })), { where: 'resource' }),
    ).resolves.toBeDefined();
    const refused = await refusal(
      stranger.verify(request(await client.proof('GET', URL_, { nonce })), { where: 'resource' }),
    );
    expect(refused.code).toBe('use_dpop_nonce');
  });

  it('refuses options that make no sense at start-up', () => {
    expect(() => verifierAt({ ms: 0 }, { algorithms: ['HS256' as never] })).toThrow(/dpop\.algorithms/);
    expect(() => verifierAt({ ms: 0 }, { nonce: 'yes' as never })).toThrow(/dpop\.nonce/);
    expect(() => verifierAt({ ms: 0 }, { maxAge: '1h' })).toThrow(/dpop\.maxAge/);
  });
});
