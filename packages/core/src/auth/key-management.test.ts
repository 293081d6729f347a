import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKeyEncryptionKey } from '../keys/key-encryption-key.js';
import { createKeyring } from '../keys/keyring.js';
import type { KeyringStore } from '../keys/keyring-store.js';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import { type AuthFixtureOptions, authFixture, bearer, PASSWORD } from '../testing/auth.js';
import { fakeClock } from '../testing/token-fixtures.js';

const DAY = 86_400;
const KEK = generateKeyEncryptionKey();

afterEach(() => {
  vi.unstubAllEnvs();
});

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

/** One set of stores for several instances, counting the keyring writes that took effect. */
function sharedStores() {
  const stores = createMemoryStores();
  const inner = stores.keyring;
  const counts = { keyringWrites: 0 };
  const keyring: KeyringStore = {
    load: () => inner.load(),
    save: async (snapshot, expected) => {
      const saved = await inner.save(snapshot, expected);
      if (saved) counts.keyringWrites += 1;
      return saved;
    },
  };
  return { stores: { ...stores, keyring }, counts };
}

describe('createAuth: scheduled key rotation', () => {
  it('lets exactly one of two instances rotate; the new key is in both JWKS before it signs', async () => {
    const clock = fakeClock();
    const { stores, counts } = sharedStores();
    const options = {
      clock,
      keys: { encryptionKey: KEK, rotation: { every: '30d', prePublish: '1d' }, retirement: '1d' },
    } satisfies AuthFixtureOptions;
    const a = await authFixture(options, stores);
    const b = await authFixture(options, stores);
    const { accessToken: before } = await a.registerAndLogin('alice@example.com');
    const firstKid = kidOf(before);
    const writes = counts.keyringWrites;

    clock.advance(29 * DAY);
    // Both instances serve their JWKS at the due moment: each starts a rotation, one wins the compare-and-set.
    const [jwksA, jwksB] = await Promise.all([
      a.call('GET', '/.well-known/jwks.json'),
      b.call('GET', '/.well-known/jwks.json'),
    ]);
    expect(jwksA.status).toBe(200);
    expect(jwksB.status).toBe(200);
    await Promise.all([a.auth.keyring.rotateIfDue(), b.auth.keyring.rotateIfDue()]);
    expect(counts.keyringWrites - writes).toBe(1);

    const published = async (fixture: typeof a) =>
      ((await fixture.call('GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    const onA = await published(a);
    expect(onA).toHaveLength(2);
    expect(await published(b)).toEqual(onA);
    const nextKid = onA.find((kid) => kid !== firstKid)!;

    // Still signing with the old key until prePublish has passed…
    const during = await a.call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    expect(kidOf((during.body as { access_token: string }).access_token)).toBe(firstKid);
    clock.advance(DAY);
    // …then both sign with the new one, and a token of either verifies on the other.
    const fromB = await b.registerAndLogin('bob@example.com');
    expect(kidOf(fromB.accessToken)).toBe(nextKid);
    expect((await a.auth.verifier.verify(fromB.accessToken)).subject).toBe(fromB.id);
    const fromA = await a.call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    expect(kidOf((fromA.body as { access_token: string }).access_token)).toBe(nextKid);

    // The old key retires keys.retirement after it stopped signing.
    clock.advance(DAY);
    expect(await published(a)).toEqual([nextKid]);
    expect(await published(b)).toEqual([nextKid]);
    expect(counts.keyringWrites - writes).toBe(1);
  });

  it('still rotates at once through POST /admin/keys/rotate', async () => {
    const fixture = await authFixture({ keys: { rotation: { every: '30d', prePublish: '1d' } } });
    const admin = await fixture.registerAndLogin('admin@example.com', PASSWORD, { verified: true });
    const rotated = await fixture.call('POST', '/admin/keys/rotate', { headers: bearer(admin.accessToken) });
    expect(rotated.status).toBe(200);
    const { kid } = rotated.body as { kid: string };
    const next = await fixture.registerAndLogin('carol@example.com');
    expect(kidOf(next.accessToken)).toBe(kid);
  });

  it('validates the schedule at construction', async () => {
    await expect(authFixture({ keys: { rotation: { every: '30d', prePublish: '30d' } } })).rejects.toThrow(
      /keys\.rotation\.prePublish:? \(default 1d\) must be shorter than keys\.rotation\.every/,
    );
    const key = (await createKeyring()).current();
    await expect(authFixture({ keys: { rotation: { every: '30d' }, signingKeys: [key] } })).rejects.toThrow(
      /^portcullis: keys\.rotation: needs generated keys/,
    );
    await expect(
      authFixture({ keys: { rotation: { every: '30d' } }, tokens: { accessTtl: '2d' } }),
    ).rejects.toThrow(/^portcullis: keys\.retirement: must be at least tokens\.accessTtl/);
  });
});

describe('createAuth: signing keys at rest', () => {
  it('refuses to start in production with generated keys and no keys.encryptionKey', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const stores = createMemoryStores();
    await expect(authFixture({}, stores)).rejects.toThrow(
      /^portcullis: keys\.encryptionKey: is required when NODE_ENV=production/,
    );
    expect(await stores.keyring.load()).toBeNull();
    await expect(authFixture({ keys: { encryptionKey: KEK } }, stores)).resolves.toBeDefined();
    const key = (await createKeyring()).current();
    await expect(authFixture({ keys: { signingKeys: [key] } })).resolves.toBeDefined();
  });

  it('warns through onEvent in development, and stores sealed keys with a KEK', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const plain = await authFixture();
    expect(plain.events).toContainEqual({ type: 'keys.stored_unencrypted' });
    const sealed = await authFixture({ keys: { encryptionKey: KEK } });
    expect(sealed.events).not.toContainEqual({ type: 'keys.stored_unencrypted' });
    expect((await sealed.stores.keyring.load())!.format).toBe('portcullis.keyring.v2');
  });

  it('keeps tokens verifying across a KEK rotation, and refuses to start under a wrong KEK', async () => {
    const clock = fakeClock();
    const stores = createMemoryStores();
    const first = await authFixture({ clock, keys: { encryptionKey: KEK } }, stores);
    const { accessToken } = await first.registerAndLogin('dave@example.com');
    const NEXT = generateKeyEncryptionKey();
    const second = await authFixture(
      { clock, keys: { encryptionKey: NEXT, previousEncryptionKeys: [KEK] } },
      stores,
    );
    expect(second.events).toContainEqual({ type: 'keys.resealed', reason: 'previous_kek' });
    expect((await second.auth.verifier.verify(accessToken)).subject).toBeDefined();
    const before = await stores.keyring.load();
    await expect(
      authFixture({ clock, keys: { encryptionKey: generateKeyEncryptionKey() } }, stores),
    ).rejects.toThrow(/cannot be opened: sealed under a key-encryption key that is not configured/);
    expect(await stores.keyring.load()).toEqual(before);
  });
});
