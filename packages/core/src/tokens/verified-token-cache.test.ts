import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors/auth-error.js';
import { b64, signRaw, tokenSetup } from '../testing/token-fixtures.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import type { AccessTokenPrincipal } from './principal.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

describe('createVerifiedTokenCache', () => {
  const NOW = Date.UTC(2026, 10, 28, 12);
  const principal = (subject: string, expiresInSeconds = 900): AccessTokenPrincipal =>
    Object.freeze({
      subject,
      roles: [],
      scopes: [],
      claims: {},
      tokenId: undefined,
      expiresAt: new Date(NOW + expiresInSeconds * 1000),
      sessionId: undefined,
    });
  const token = (n: number) =>
    `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLSR7bn0ifQ.${String(n).padStart(43, 'S')}`;
  function setup(maxEntries = 100) {
    const keys = { revision: 0 };
    const cache = createVerifiedTokenCache({ maxEntries, keys, clockTolerance: 5 });
    /** Offers a token twice, as two requests would: admitted on the second. */
    const admitTwice = (t: string, p: AccessTokenPrincipal) => {
      cache.admit(t, p, keys.revision);
      cache.admit(t, p, keys.revision);
    };
    return { keys, cache, admitTwice };
  }

  it('admits a token on its second offer only, and answers a look-up for it with its principal', () => {
    const { keys, cache } = setup();
    const user = principal('user-1');
    expect(cache.lookup(token(1), NOW)).toBeUndefined();
    cache.admit(token(1), user, keys.revision);
    expect(cache.size).toBe(0);
    expect(cache.lookup(token(1), NOW)).toBeUndefined();
    cache.admit(token(1), user, keys.revision);
    expect(cache.size).toBe(1);
    expect(cache.lookup(token(1), NOW)).toBe(user);
  });

  it('answers only for the same string, never for another token ending with the same signature', () => {
    const { cache, admitTwice } = setup();
    const signature = 'x'.repeat(43);
    const genuine = `eyJhbGciOiJIUzI1NiJ9.eyJyb2xlcyI6WyJ1c2VyIl19.${signature}`;
    const forged = `eyJhbGciOiJIUzI1NiJ9.eyJyb2xlcyI6WyJhZG1pbiJdfQ.${signature}`;
    admitTwice(genuine, principal('user-1'));
    expect(cache.lookup(forged, NOW)).toBeUndefined();
    // The same characters in another string (as every request's header is): a hit.
    expect(cache.lookup(genuine.split('').join(''), NOW)?.subject).toBe('user-1');
  });

  it('never answers past exp plus the clock tolerance', () => {
    const { cache, admitTwice } = setup();
    admitTwice(token(1), principal('user-1', 60));
    expect(cache.lookup(token(1), NOW + 64_999)?.subject).toBe('user-1');
    expect(cache.lookup(token(1), NOW + 65_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded, evicting the oldest admission first', () => {
    const { cache, admitTwice } = setup(3);
    for (let n = 0; n < 5; n++) admitTwice(token(n), principal(`user-${n}`));
    expect(cache.size).toBe(3);
    expect(cache.lookup(token(0), NOW)).toBeUndefined();
    expect(cache.lookup(token(1), NOW)).toBeUndefined();
    expect(cache.lookup(token(4), NOW)?.subject).toBe('user-4');
  });

  it('drops every entry once the key source changes, and admits nothing verified under an older revision', () => {
    const { keys, cache, admitTwice } = setup();
    admitTwice(token(1), principal('user-1'));
    const verifiedUnder = keys.revision;
    keys.revision += 1;
    expect(cache.lookup(token(1), NOW)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.admit(token(2), principal('user-2'), verifiedUnder);
    cache.admit(token(2), principal('user-2'), verifiedUnder);
    expect(cache.size).toBe(0);
    admitTwice(token(2), principal('user-2'));
    expect(cache.lookup(token(2), NOW)?.subject).toBe('user-2');
  });
});

describe('the verifier and its verified-token cache', () => {
  it('admits a token on its second sighting and then serves it without verifying the signature again', async () => {
    let signatureChecks = 0;
    const countingBackend = {
      ...nodeCryptoBackend,
      name: 'counting',
      verify: (...args: Parameters<typeof nodeCryptoBackend.verify>) => {
        signatureChecks += 1;
        return nodeCryptoBackend.verify(...args);
      },
    };
    const { issuer, verifier } = await tokenSetup('EdDSA', countingBackend);
    const { token } = await issuer.issue({ subject: 'user-1' });
    await verifier.verify(token);
    expect(verifier.cacheSize).toBe(0);
    const second = await verifier.verify(token);
    expect(verifier.cacheSize).toBe(1);
    const third = await verifier.verify(token);
    expect(third).toBe(second);
    expect(signatureChecks).toBe(2);
  });

  it('admits no token presented once, nor one coming back after more first sightings than it holds', async () => {
    const { issuer, verifier } = await tokenSetup('HS256', nodeCryptoBackend, { cache: { maxEntries: 3 } });
    const tokens = await Promise.all(
      Array.from({ length: 8 }, (_, i) => issuer.issue({ subject: `user-${i}` })),
    );
    // One request per token: nothing worth keeping, so nothing is inserted (and nothing evicted).
    for (const { token } of tokens.slice(0, 7)) await verifier.verify(token);
    expect(verifier.cacheSize).toBe(0);
    // tokens[0] comes back after 6 other first sightings: a 3-entry cache would have evicted it anyway.
    await verifier.verify(tokens[0]!.token);
    expect(verifier.cacheSize).toBe(0);
    // Presented again at once, it is admitted.
    await verifier.verify(tokens[0]!.token);
    expect(verifier.cacheSize).toBe(1);
    await verifier.verify(tokens[7]!.token);
    await verifier.verify(tokens[7]!.token);
    expect(verifier.cacheSize).toBe(2);
  });

  it('counts its look-ups as hits and misses, for the hit ratio a metrics exporter reads', async () => {
    const { issuer, verifier } = await tokenSetup('EdDSA', nodeCryptoBackend);
    const { token } = await issuer.issue({ subject: 'user-1' });
    expect(verifier.cacheLookups).toEqual({ hits: 0, misses: 0 });
    await verifier.verify(token);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifier.cacheLookups).toEqual({ hits: 1, misses: 2 });
    const uncached = await tokenSetup('EdDSA', nodeCryptoBackend, { cache: false });
    await uncached.verifier.verify((await uncached.issuer.issue({ subject: 'user-1' })).token);
    expect(uncached.verifier.cacheLookups).toEqual({ hits: 0, misses: 0 });
  });

  it('never serves an entry past the token expiry', async () => {
    const { issuer, verifier, clock } = await tokenSetup('EdDSA', nodeCryptoBackend);
    const { token } = await issuer.issue({ subject: 'user-1' });
    await verifier.verify(token);
    clock.advance(900 + 5);
    const error = (await verifier.verify(token).catch((e: unknown) => e)) as AuthError;
    expect(error.reason).toBe('expired');
  });

  it('checks revocation on every hit', async () => {
    const revoked = new Set<string>();
    const { issuer, verifier } = await tokenSetup('EdDSA', nodeCryptoBackend, {
      isRevoked: (principal) => revoked.has(principal.tokenId ?? ''),
    });
    const { token, tokenId } = await issuer.issue({ subject: 'user-1' });
    await verifier.verify(token);
    revoked.add(tokenId);
    const error = (await verifier.verify(token).catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe('invalid_token');
    expect(error.reason).toBe('revoked');
  });

  it('is bounded, and keyed by the whole token: a tampered token never hits an entry', async () => {
    const { issuer, verifier } = await tokenSetup('ES256', nodeCryptoBackend, { cache: { maxEntries: 3 } });
    const tokens = await Promise.all(
      Array.from({ length: 5 }, (_, i) => issuer.issue({ subject: `user-${i}` })),
    );
    for (const { token } of tokens) {
      await verifier.verify(token);
      await verifier.verify(token);
    }
    expect(verifier.cacheSize).toBe(3);
    const [h, p, s] = tokens[4]!.token.split('.') as [string, string, string];
    const otherSignature = tokens[3]!.token.split('.')[2]!;
    const error = (await verifier
      .verify(`${h}.${p}.${otherSignature}`)
      .catch((e: unknown) => e)) as AuthError;
    expect(error.reason).toBe('bad_signature');
    expect(s).not.toBe(otherSignature);
  });

  it('is dropped when keys change, so a removed key stops verifying at once', async () => {
    const { issuer, verifier, keyring } = await tokenSetup('EdDSA', nodeCryptoBackend);
    const { token } = await issuer.issue({ subject: 'user-1' });
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifier.cacheSize).toBe(1);
    await keyring.rotate();
    await verifier.verify(token); // old key still verifies until it retires
    expect(verifier.cacheSize).toBe(1);
  });

  it('serves a hit only for the same string: a token sharing a cached signature is verified, and refused', async () => {
    const { issuer, verifier } = await tokenSetup('HS256', nodeCryptoBackend);
    const { token } = await issuer.issue({ subject: 'user-1', roles: ['user'] });
    await verifier.verify(token);
    const cached = await verifier.verify(token);
    expect(verifier.cacheSize).toBe(1);
    // The cache is keyed by the signature's end: an attacker keeping it and raising their roles lands on
    // the same entry, which must not answer for a different string.
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${b64({ ...claims, roles: ['admin'] })}.${signature}`;
    const error = (await verifier.verify(forged).catch((e: unknown) => e)) as AuthError;
    expect(error.reason).toBe('bad_signature');
    expect(await verifier.verify(token)).toBe(cached);
    expect(cached).toMatchObject({ subject: 'user-1', roles: ['user'] });
    expect(verifier.cacheSize).toBe(1);
  });

  it('refuses (and so never caches) a signed token with characters outside base64url: a hit is a token68', async () => {
    const { keyring, verifier, claims, header } = await tokenSetup('HS256', nodeCryptoBackend);
    // A correctly signed JWS, but its payload segment carries padding ('=' is base64, not base64url): Node's
    // decoder would accept it and the signature covers it, yet it is no compact JWS.
    const unpadded = await signRaw(nodeCryptoBackend, keyring.current(), header(), claims());
    const [h, p] = unpadded.split('.') as [string, string];
    const input = `${h}.${p}==`;
    const signature = Buffer.from(await nodeCryptoBackend.sign(keyring.current(), input)).toString(
      'base64url',
    );
    const padded = `${input}.${signature}`;
    await expect(verifier.verify(padded)).rejects.toMatchObject({ reason: 'malformed_jws' });
    await expect(verifier.verify(padded)).rejects.toMatchObject({ reason: 'malformed_jws' });
    expect(verifier.cacheSize).toBe(0);
  });
});
