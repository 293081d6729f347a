import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.js';
import { generateSigningKey } from '../keys/generate-key.js';
import { b64, hmacSign, signRaw, tokenSetup } from '../testing/token-fixtures.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import { webCryptoBackend } from './backends/web-crypto.js';

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

async function expectRefused(promise: Promise<unknown>, reason: string) {
  const error = await refusal(promise);
  expect(error.code).toBe('invalid_token');
  expect(error.status).toBe(401);
  expect(error.message).toBe('Invalid token');
  expect(error.reason).toBe(reason);
}

describe.each([nodeCryptoBackend, webCryptoBackend])('access tokens on the $name backend', (backend) => {
  describe.each(SIGNING_ALGORITHMS)('%s', (alg) => {
    it('issues a token that verifies into a typed principal', async () => {
      const { issuer, verifier, keyring } = await tokenSetup(alg, backend);
      const issued = await issuer.issue({
        subject: 'user-1',
        roles: ['admin'],
        scopes: ['reports:read', 'reports:write'],
        sessionId: 'fam-1',
      });
      const [headerSegment] = issued.token.split('.');
      expect(JSON.parse(Buffer.from(headerSegment!, 'base64url').toString())).toEqual({
        alg,
        typ: 'at+jwt',
        kid: keyring.current().kid,
      });
      const principal = await verifier.verify(issued.token);
      expect(principal.subject).toBe('user-1');
      expect(principal.roles).toEqual(['admin']);
      expect(principal.scopes).toEqual(['reports:read', 'reports:write']);
      expect(principal.tokenId).toBe(issued.tokenId);
      expect(principal.sessionId).toBe('fam-1');
      expect(principal.expiresAt.getTime()).toBe(issued.expiresAt.getTime());
      expect(issued.expiresIn).toBe(900);
      expect(principal.claims['exp']).toBe((principal.claims['iat'] as number) + 900);
      expect(Object.isFrozen(principal)).toBe(true);
    });

    it('refuses alg "none", with or without a signature', async () => {
      const { verifier, claims, header } = await tokenSetup(alg, backend);
      const unsigned = `${b64(header({ alg: 'none' }))}.${b64(claims())}.`;
      await expectRefused(verifier.verify(unsigned), 'malformed_jws');
      await expectRefused(verifier.verify(`${unsigned}AAAA`), 'unsupported_alg');
      for (const spelling of ['None', 'NONE', 'nOnE']) {
        await expectRefused(
          verifier.verify(`${b64(header({ alg: spelling }))}.${b64(claims())}.AAAA`),
          'algorithm_mismatch',
        );
      }
    });

    it('refuses a header naming another algorithm than the key (HS256 signed with the public key as secret)', async () => {
      const { verifier, keyring, claims, header } = await tokenSetup(alg, backend);
      const key = keyring.current();
      const secrets =
        key.publicJwk === undefined
          ? [Buffer.from('not-the-key-but-long-enough-to-be-a-secret!')]
          : [Buffer.from(key.exportPem().publicKey), Buffer.from(JSON.stringify(key.publicJwk))];
      const forgedAlg = alg === 'HS256' ? 'HS512' : 'HS256';
      for (const secret of secrets) {
        const forged = hmacSign(secret, header({ alg: forgedAlg }), claims());
        await expectRefused(verifier.verify(forged), 'algorithm_mismatch');
      }
    });

    it('never uses an embedded jwk, jku, x5u or x5c header to find a key', async () => {
      const { verifier, keyring, claims } = await tokenSetup(alg, backend);
      const attackerKey = await generateSigningKey(alg);
      const realKid = keyring.current().kid;
      const embedded = {
        jwk: attackerKey.publicJwk ?? attackerKey.exportPrivateJwk(),
        jku: 'http://127.0.0.1:1/jwks.json',
        x5u: 'http://127.0.0.1:1/cert.pem',
        x5c: ['MIIB'],
      };
      // With the attacker's own kid: no such key here.
      await expectRefused(
        verifier.verify(
          await signRaw(
            backend,
            attackerKey,
            { alg, typ: 'at+jwt', kid: attackerKey.kid, ...embedded },
            claims(),
          ),
        ),
        'unknown_key',
      );
      // With the real kid: the attacker's signature does not verify under the real key.
      await expectRefused(
        verifier.verify(
          await signRaw(backend, attackerKey, { alg, typ: 'at+jwt', kid: realKid, ...embedded }, claims()),
        ),
        'bad_signature',
      );
    });

    it('refuses a kid with path traversal, quotes or the wrong type', async () => {
      const { verifier, keyring, claims } = await tokenSetup(alg, backend);
      const key = keyring.current();
      for (const kid of [
        '../../etc/passwd',
        `${key.kid}/../${key.kid}`,
        `"${key.kid}"`,
        "' OR '1'='1",
        `${key.kid}\u0000`,
      ]) {
        await expectRefused(
          verifier.verify(await signRaw(backend, key, { alg, typ: 'at+jwt', kid }, claims())),
          'unknown_key',
        );
      }
      await expectRefused(
        verifier.verify(await signRaw(backend, key, { alg, typ: 'at+jwt', kid: 42 }, claims())),
        'malformed_kid',
      );
    });

    it('refuses an expired token and one whose nbf is ahead, within the clock tolerance only', async () => {
      const { verifier, issuer, clock, keyring, claims, header } = await tokenSetup(alg, backend, {
        cache: false,
      });
      const { token } = await issuer.issue({ subject: 'user-1' });
      clock.advance(900 + 4);
      await expect(verifier.verify(token)).resolves.toBeDefined(); // inside the default 5 s tolerance
      clock.advance(1);
      const expired = await refusal(verifier.verify(token));
      // RFC 6750 §3's wording, so that a client knows to refresh rather than to log in again.
      expect(expired).toMatchObject({ code: 'invalid_token', status: 401, reason: 'expired' });
      expect(expired.message).toBe('The access token expired');

      const now = Math.floor(clock() / 1000);
      const early = await signRaw(backend, keyring.current(), header(), claims({ nbf: now + 60 }));
      await expectRefused(verifier.verify(early), 'not_yet_valid');
      clock.advance(60);
      await expect(verifier.verify(early)).resolves.toBeDefined();
      const fromTheFuture = await signRaw(
        backend,
        keyring.current(),
        header(),
        claims({ iat: Math.floor(clock() / 1000) + 3600 }),
      );
      await expectRefused(verifier.verify(fromTheFuture), 'issued_in_future');
    });

    it('refuses a wrong issuer or audience, and requires iss, aud, exp, sub, iat and jti', async () => {
      const { verifier, keyring, claims, header } = await tokenSetup(alg, backend);
      const sign = (payload: Record<string, unknown>) =>
        signRaw(backend, keyring.current(), header(), payload);
      await expectRefused(
        verifier.verify(await sign(claims({ iss: 'https://evil.example' }))),
        'wrong_issuer',
      );
      await expectRefused(verifier.verify(await sign(claims({ aud: 'another-api' }))), 'wrong_audience');
      await expectRefused(
        verifier.verify(await sign(claims({ aud: ['another-api', 42] }))),
        'wrong_audience',
      );
      await expect(
        verifier.verify(await sign(claims({ aud: ['another-api', 'portcullis-demo'] }))),
      ).resolves.toBeDefined();
      for (const name of ['iss', 'aud', 'exp', 'sub', 'iat', 'jti']) {
        await expectRefused(verifier.verify(await sign(claims({ [name]: undefined }))), `missing_${name}`);
      }
      await expectRefused(verifier.verify(await sign(claims({ exp: '9999999999' }))), 'malformed_exp');
      await expectRefused(verifier.verify(await sign(claims({ roles: 'admin' }))), 'malformed_roles');
      await expectRefused(verifier.verify(await sign(claims({ scope: ['a'] }))), 'malformed_scope');
    });

    it('refuses typ confusion: a refresh token, ID token, API key or untyped JWT is not an access token', async () => {
      const { verifier, keyring, claims, header } = await tokenSetup(alg, backend);
      for (const typ of [
        'JWT',
        'rt+jwt',
        'id_token+jwt',
        'application/jwt',
        'logout+jwt',
        'secevent+jwt',
        undefined,
      ]) {
        const token = await signRaw(backend, keyring.current(), header({ typ }), claims());
        await expectRefused(verifier.verify(token), 'wrong_typ');
      }
      const mediaType = await signRaw(
        backend,
        keyring.current(),
        header({ typ: 'application/AT+JWT' }),
        claims(),
      );
      await expect(verifier.verify(mediaType)).resolves.toBeDefined();
      await expectRefused(
        verifier.verify('pc_live_0123456789abcdefghijABCDEFGHIJ0123456789abcdef_1a2b3c4d'),
        'malformed_jws',
      );
    });

    it('refuses a tampered payload carrying the old signature, and a stripped signature', async () => {
      const { verifier, issuer } = await tokenSetup(alg, backend);
      const { token } = await issuer.issue({ subject: 'user-1', roles: ['user'] });
      const [h, p, s] = token.split('.') as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const elevated = `${h}.${b64({ ...payload, roles: ['admin'] })}.${s}`;
      await expectRefused(verifier.verify(elevated), 'bad_signature');
      await expectRefused(verifier.verify(`${h}.${p}.`), 'malformed_jws');
      await expectRefused(verifier.verify(`${h}.${p}`), 'malformed_jws');
      const truncated = Buffer.from(s, 'base64url').subarray(0, -3).toString('base64url');
      await expectRefused(verifier.verify(`${h}.${p}.${truncated}`), 'bad_signature');
      // Characters outside base64url that Node's decoder would skip must not survive.
      await expectRefused(verifier.verify(`${h}.${p}.${s.slice(0, 10)}*${s.slice(10)}`), 'malformed_jws');
      // Outside base64url anywhere: refused before anything is decoded or hashed.
      await expectRefused(verifier.verify(`${h}.${p}=.${s}`), 'malformed_jws');
      await expectRefused(verifier.verify(`${h}.${p.slice(0, 5)}*${p.slice(5)}.${s}`), 'malformed_jws');
      await expectRefused(verifier.verify(`${h}.${p}.${s}.`), 'malformed_jws');
      await expectRefused(verifier.verify(`.${p}.${s}`), 'malformed_jws');
      await expectRefused(verifier.verify(`${h}..${s}`), 'malformed_jws');
      // A different last character that decodes to the same bytes (non-canonical base64url).
      const last = s.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sameBytes = [...alphabet].find(
        (c) => c !== last && Buffer.from(s.slice(0, -1) + c, 'base64url').equals(Buffer.from(s, 'base64url')),
      );
      if (sameBytes !== undefined)
        await expectRefused(verifier.verify(`${h}.${p}.${s.slice(0, -1)}${sameBytes}`), 'malformed_jws');
    });

    it('refuses an unknown crit header', async () => {
      const { verifier, keyring, claims, header } = await tokenSetup(alg, backend);
      const token = await signRaw(backend, keyring.current(), header({ crit: ['exp'], exp: 1 }), claims());
      await expectRefused(verifier.verify(token), 'unsupported_crit');
    });

    it('refuses malformed base64 and JSON', async () => {
      const { verifier, keyring, claims, header } = await tokenSetup(alg, backend);
      await expectRefused(verifier.verify(`${b64('not json')}.${b64(claims())}.AAAA`), 'malformed_header');
      await expectRefused(verifier.verify(`${b64('[1,2]')}.${b64(claims())}.AAAA`), 'malformed_header');
      await expectRefused(verifier.verify(`${b64('null')}.${b64(claims())}.AAAA`), 'malformed_header');
      await expectRefused(verifier.verify(`eyJ.${b64(claims())}.AAAA`), 'malformed_header');
      const signedGarbage = await signRaw(backend, keyring.current(), header(), 'this is {not json');
      await expectRefused(verifier.verify(signedGarbage), 'malformed_payload');
      const signedArray = await signRaw(backend, keyring.current(), header(), '["sub"]');
      await expectRefused(verifier.verify(signedArray), 'malformed_payload');
    });

    it('refuses a token over the size limit before decoding it', async () => {
      const { verifier, keyring, claims, header } = await tokenSetup(alg, backend);
      const big = await signRaw(backend, keyring.current(), header(), claims({ padding: 'x'.repeat(9000) }));
      await expectRefused(verifier.verify(big), 'oversize');
      await expectRefused(verifier.verify('A'.repeat(8193)), 'oversize');
      await expectRefused(verifier.verify(42 as unknown as string), 'oversize');
    });

    it('keeps verifying tokens of a rotated-out key until it retires, then refuses them', async () => {
      const { verifier, issuer, keyring, clock } = await tokenSetup(alg, backend, { cache: false });
      const before = await issuer.issue({ subject: 'user-1' });
      const oldKid = keyring.current().kid;
      const next = await keyring.rotate();
      expect(next.kid).not.toBe(oldKid);
      const after = await issuer.issue({ subject: 'user-1' });
      expect(JSON.parse(Buffer.from(after.token.split('.')[0]!, 'base64url').toString()).kid).toBe(next.kid);
      await expect(verifier.verify(before.token)).resolves.toBeDefined();
      await expect(verifier.verify(after.token)).resolves.toBeDefined();
      clock.advance(3600); // retireAfter: 1h
      await expectRefused(verifier.verify(before.token), 'unknown_key');
    });
  });
});

describe('verifier options', () => {
  it('requires issuer, audience and a key source at construction', async () => {
    const { keyring } = await tokenSetup('EdDSA', nodeCryptoBackend);
    const { createAccessTokenVerifier } = await import('./verify-access-token.js');
    expect(() => createAccessTokenVerifier({ keys: keyring, issuer: '', audience: 'a' })).toThrow(TypeError);
    expect(() => createAccessTokenVerifier({ keys: keyring, issuer: 'i', audience: [] })).toThrow(TypeError);
    expect(() => createAccessTokenVerifier({ keys: undefined as never, issuer: 'i', audience: 'a' })).toThrow(
      TypeError,
    );
    expect(() =>
      createAccessTokenVerifier({ keys: keyring, issuer: 'i', audience: 'a', clockTolerance: '5 minutes' }),
    ).toThrow(TypeError);
  });

  it('restricts algorithms further when asked', async () => {
    const { verifier: _unused, issuer, keyring } = await tokenSetup('ES256', nodeCryptoBackend);
    const { createAccessTokenVerifier } = await import('./verify-access-token.js');
    const verifier = createAccessTokenVerifier({
      keys: keyring,
      issuer: 'https://api.example.test',
      audience: 'portcullis-demo',
      algorithms: ['EdDSA'],
    });
    const { token } = await issuer.issue({ subject: 'user-1' });
    await expectRefused(verifier.verify(token), 'algorithm_mismatch');
  });

  it('accepts tokens from jose for the same key, and jose accepts ours (interoperability)', async () => {
    const { verifier, issuer, keyring } = await tokenSetup('ES256', nodeCryptoBackend);
    const key = keyring.current();
    const { importJWK, jwtVerify } = await import('jose');
    const privateKey = await importJWK(key.exportPrivateJwk() as Parameters<typeof importJWK>[0], 'ES256');
    const joseToken = await new SignJWT({ jti: 'j1' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .setIssuer('https://api.example.test')
      .setAudience('portcullis-demo')
      .setSubject('user-9')
      .setIssuedAt(Math.floor(Date.UTC(2026, 10, 28, 12) / 1000))
      .setExpirationTime(Math.floor(Date.UTC(2026, 10, 28, 12) / 1000) + 60)
      .sign(privateKey);
    expect((await verifier.verify(joseToken)).subject).toBe('user-9');
    const { token } = await issuer.issue({ subject: 'user-1' });
    const publicKey = await importJWK(key.publicJwk as unknown as Parameters<typeof importJWK>[0], 'ES256');
    const verified = await jwtVerify(token, publicKey, {
      issuer: 'https://api.example.test',
      audience: 'portcullis-demo',
      typ: 'at+jwt',
      currentDate: new Date(Date.UTC(2026, 10, 28, 12)),
    });
    expect(verified.payload.sub).toBe('user-1');
  });

  it('refuses an attacker JWK thumbprint-matched to nothing and a foreign RSA key of the same kid shape', async () => {
    const { verifier, claims } = await tokenSetup('RS256', nodeCryptoBackend);
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid, jwk })
      .sign(privateKey);
    await expectRefused(verifier.verify(forged), 'unknown_key');
    expect(generateKeyPairSync).toBeDefined();
  });
});
