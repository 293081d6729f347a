import { inspect } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { fakeClock } from '../testing/token-fixtures.js';
import { SIGNING_ALGORITHMS } from './algorithms.js';
import { generateSigningKey } from './generate-key.js';
import { importHmacSecret } from './import-hmac-secret.js';
import { importPemSigningKey } from './import-pem.js';
import { createKeyring, importSigningKeySet } from './keyring.js';
import { createMemoryKeyringStore, type KeyringStore } from './keyring-store.js';
import { importSigningKey } from './signing-key.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

describe.each(SIGNING_ALGORITHMS)('%s keys', (alg) => {
  it('derive their kid from the RFC 7638 thumbprint and stay pinned to one algorithm', async () => {
    const key = await generateSigningKey(alg);
    const { kid: _kid, alg: _alg, ...members } = key.exportPrivateJwk();
    const publicPart =
      alg === 'HS256'
        ? members
        : Object.fromEntries(Object.entries(members).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));
    expect(key.kid).toBe(
      await calculateJwkThumbprint(publicPart as Parameters<typeof calculateJwkThumbprint>[0]),
    );
    expect(key.alg).toBe(alg);
    const other = SIGNING_ALGORITHMS.find((a) => a !== alg)!;
    await expect(importSigningKey(key.exportPrivateJwk(), { alg: other })).rejects.toThrow(TypeError);
  });

  it('round-trip through a private JWK, keeping the kid', async () => {
    const key = await generateSigningKey(alg);
    const again = await importSigningKey(key.exportPrivateJwk());
    expect(again.kid).toBe(key.kid);
    expect(again.publicJwk).toEqual(key.publicJwk);
  });

  it('never show private members when published, logged or serialised', async () => {
    const key = await generateSigningKey(alg);
    const keyring = await createKeyring({ keys: [key] });
    const published = JSON.stringify(keyring.jwks());
    const logged = `${inspect(key, { showHidden: true, depth: 5 })} ${JSON.stringify(key)} ${String(key)}`;
    const secret = key.exportPrivateJwk()[alg === 'HS256' ? 'k' : 'd'] as string;
    expect(published).not.toContain(secret);
    expect(logged).not.toContain(secret);
    for (const member of PRIVATE_MEMBERS) expect(published).not.toContain(`"${member}"`);
    if (alg === 'HS256') {
      expect(keyring.jwks().keys).toEqual([]);
    } else {
      expect(keyring.jwks().keys).toEqual([expect.objectContaining({ kid: key.kid, alg, use: 'sig' })]);
    }
  });
});

describe('PEM', () => {
  it.each(['EdDSA', 'ES256', 'RS256'] as const)('exports and re-imports a %s key', async (alg) => {
    const key = await generateSigningKey(alg);
    const pem = key.exportPem();
    expect(pem.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(pem.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const again = await importPemSigningKey(pem.privateKey, alg);
    expect(again.kid).toBe(key.kid);
  });

  it('refuses a public key, junk, or a key of the wrong type', async () => {
    const key = await generateSigningKey('ES256');
    await expect(importPemSigningKey(key.exportPem().publicKey, 'ES256')).rejects.toThrow(TypeError);
    await expect(importPemSigningKey('not a pem', 'ES256')).rejects.toThrow(TypeError);
    await expect(importPemSigningKey(key.exportPem().privateKey, 'EdDSA')).rejects.toThrow(/OKP/);
    const hs = await generateSigningKey('HS256');
    expect(() => hs.exportPem()).toThrow(TypeError);
  });
});

describe('importing keys from configuration', () => {
  it('reads a private JWK Set (as in SIGNING_KEYS); the first key signs', async () => {
    const a = await generateSigningKey('EdDSA');
    const b = await generateSigningKey('ES256');
    const json = JSON.stringify({ keys: [a.exportPrivateJwk(), b.exportPrivateJwk()] });
    const keys = await importSigningKeySet(json);
    const keyring = await createKeyring({ keys });
    expect(keyring.current().kid).toBe(a.kid);
    expect(keyring.jwks().keys.map((k) => k.kid)).toEqual([a.kid, b.kid]);
    expect(keyring.managedBy).toBe('external');
    const refusal = await keyring.rotate().catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AuthError);
    expect((refusal as AuthError).code).toBe('conflict');
    expect((refusal as AuthError).status).toBe(409);
  });

  it('refuses junk, an empty set, keys without alg, public keys, and RSA under 2048 bits', async () => {
    await expect(importSigningKeySet('not json')).rejects.toThrow(TypeError);
    await expect(importSigningKeySet('{"keys":[]}')).rejects.toThrow(TypeError);
    const key = await generateSigningKey('ES256');
    const { alg: _alg, ...withoutAlg } = key.exportPrivateJwk();
    await expect(importSigningKeySet({ keys: [withoutAlg] })).rejects.toThrow(
      /^portcullis: importSigningKeySet\(json\)\.keys\[0\]: /,
    );
    await expect(importSigningKeySet({ keys: [key.publicJwk] })).rejects.toThrow(/private/);
    const { generateKeyPairSync } = await import('node:crypto');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
    await expect(importSigningKey({ ...small, kty: 'RSA' }, { alg: 'RS256' })).rejects.toThrow(/2048/);
  });
});

describe('HMAC secrets', () => {
  const hint = /randomBytes\(32\)/;
  it.each([
    ['too short', 'a-short-secret'],
    ['a placeholder', 'changeme'],
    ['a placeholder padded to length', 'changeme-changeme-changeme-changeme'],
    ['a repeated placeholder', 'secretsecretsecretsecretsecretsecret'],
    ["jwt.io's example", 'your-256-bit-secret'],
    ['low entropy', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['low entropy pattern', 'abababababababababababababababababababab'],
  ])('refuses %s with a hint on generating one, never echoing it', async (_label, secret) => {
    const error = await importHmacSecret(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(hint);
    expect((error as Error).message).not.toContain(secret);
  });

  it('accepts 32 random bytes, as raw bytes, base64url or hex text', async () => {
    const { randomBytes } = await import('node:crypto');
    const bytes = randomBytes(32);
    await expect(importHmacSecret(bytes)).resolves.toMatchObject({ alg: 'HS256' });
    await expect(importHmacSecret(bytes.toString('base64url'))).resolves.toMatchObject({ alg: 'HS256' });
    await expect(importHmacSecret(bytes.toString('hex'))).resolves.toMatchObject({ alg: 'HS256' });
  });

  it('also refuses a weak secret arriving as an oct JWK', async () => {
    const k = Buffer.from('changeme-changeme-changeme-changeme').toString('base64url');
    await expect(importSigningKey({ kty: 'oct', k, alg: 'HS256' })).rejects.toThrow(TypeError);
  });
});

describe('rotation and persistence', () => {
  it('rotates: the new key signs, both are published until the old one retires', async () => {
    const clock = fakeClock();
    const keyring = await createKeyring({ algorithm: 'ES256', retireAfter: '2h', clock });
    const first = keyring.current();
    const second = await keyring.rotate();
    expect(keyring.current().kid).toBe(second.kid);
    expect(keyring.jwks().keys.map((k) => k.kid)).toEqual([second.kid, first.kid]);
    expect(keyring.resolve({ alg: 'ES256', kid: first.kid })).toBeDefined();
    clock.advance(2 * 3600 - 1);
    expect(keyring.jwks().keys).toHaveLength(2);
    clock.advance(1);
    expect(keyring.jwks().keys.map((k) => k.kid)).toEqual([second.kid]);
    expect(keyring.resolve({ alg: 'ES256', kid: first.kid })).toBeUndefined();
    expect(keyring.entries()).toHaveLength(1);
  });

  it('refuses a kid-less header once several keys verify', async () => {
    const keyring = await createKeyring();
    expect(keyring.resolve({ alg: 'EdDSA', kid: undefined })).toBeDefined();
    await keyring.rotate();
    expect(keyring.resolve({ alg: 'EdDSA', kid: undefined })).toBeUndefined();
  });

  it('survives a restart through its store and agrees between instances', async () => {
    const store = createMemoryKeyringStore();
    const a = await createKeyring({ store });
    const b = await createKeyring({ store });
    expect(b.current().kid).toBe(a.current().kid);
    const rotated = await a.rotate();
    // B learns the new key when a token names it (reload on unknown kid).
    const resolved = await b.resolve({ alg: 'EdDSA', kid: rotated.kid });
    expect(resolved?.kid).toBe(rotated.kid);
    expect(b.current().kid).toBe(rotated.kid);
    const restarted = await createKeyring({ store });
    expect(restarted.snapshot()).toEqual(a.snapshot());
  });

  it('lets only one of two instances that start together generate the first key', async () => {
    const store = createMemoryKeyringStore();
    const [a, b] = await Promise.all([createKeyring({ store }), createKeyring({ store })]);
    expect(a.current().kid).toBe(b.current().kid);
  });

  it('adopts a concurrent rotation instead of rotating twice', async () => {
    const store = createMemoryKeyringStore();
    const a = await createKeyring({ store });
    const b = await createKeyring({ store });
    const fromA = await a.rotate();
    const fromB = await b.rotate(); // B's compare-and-set fails: it reloads A's keyring
    expect(fromB.kid).toBe(fromA.kid);
    expect(b.snapshot().revision).toBe(2);
  });

  it('reloads on an unknown kid at most once per cooldown', async () => {
    let loads = 0;
    const inner = createMemoryKeyringStore();
    const store: KeyringStore = {
      load: () => {
        loads += 1;
        return inner.load();
      },
      save: (s, r) => inner.save(s, r),
    };
    const clock = fakeClock();
    const keyring = await createKeyring({ store, clock, reloadCooldown: 30 });
    const initialLoads = loads;
    await keyring.resolve({ alg: 'EdDSA', kid: 'unknown-1' });
    await keyring.resolve({ alg: 'EdDSA', kid: 'unknown-2' });
    await keyring.resolve({ alg: 'EdDSA', kid: 'unknown-3' });
    expect(loads - initialLoads).toBe(1);
    clock.advance(30);
    await keyring.resolve({ alg: 'EdDSA', kid: 'unknown-4' });
    expect(loads - initialLoads).toBe(2);
  });

  it('refuses misuse at construction', async () => {
    await expect(createKeyring({ algorithm: 'none' as never })).rejects.toThrow(TypeError);
    await expect(createKeyring({ keys: [] })).rejects.toThrow(TypeError);
    await expect(
      createKeyring({ keys: [await generateSigningKey()], store: createMemoryKeyringStore() }),
    ).rejects.toThrow(TypeError);
    await expect(createKeyring({ retireAfter: 'soon' })).rejects.toThrow(TypeError);
  });
});
