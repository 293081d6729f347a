import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokenIssuer } from '../tokens/issue-access-token.js';
import { createAccessTokenVerifier } from '../tokens/verify-access-token.js';
import { SIGNING_ALGORITHMS } from './algorithms.js';
import { generateKeyEncryptionKey } from './key-encryption-key.js';
import { createKeyring, type Keyring, type KeyringEvent } from './keyring.js';
import { KeyringSnapshotError } from './keyring-snapshot.js';
import {
  createMemoryKeyringStore,
  type KeyringSnapshot,
  type KeyringStore,
  type SealedKeyringSnapshot,
} from './keyring-store.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const KEK = generateKeyEncryptionKey();
const NEW_KEK = generateKeyEncryptionKey();

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Every spelling a private member's bytes could take in a stored row. */
function privateSpellings(keyring: Keyring): string[] {
  return keyring.entries().flatMap(({ key }) => {
    const jwk = key.exportPrivateJwk();
    return PRIVATE_MEMBERS.filter((m) => typeof jwk[m] === 'string').flatMap((m) => {
      const bytes = Buffer.from(jwk[m] as string, 'base64url');
      return [jwk[m] as string, bytes.toString('base64'), bytes.toString('hex')];
    });
  });
}

function expectNoPrivateKeyIn(stored: string, keyring: Keyring): void {
  for (const member of PRIVATE_MEMBERS) expect(stored).not.toContain(`"${member}":`);
  for (const spelling of privateSpellings(keyring)) expect(stored).not.toContain(spelling);
}

async function storedSnapshot(store: KeyringStore): Promise<SealedKeyringSnapshot> {
  const stored = (await store.load()) as KeyringSnapshot;
  expect(stored.format).toBe('portcullis.keyring.v2');
  return stored as SealedKeyringSnapshot;
}

/** Loads, edits and writes back the stored snapshot, as someone with write access to the row could. */
async function tamper(store: KeyringStore, edit: (snapshot: SealedKeyringSnapshot) => void): Promise<void> {
  const stored = await storedSnapshot(store);
  edit(stored);
  expect(await store.save({ ...stored, revision: stored.revision + 1 }, stored.revision)).toBe(true);
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(Error);
  return error!;
}

describe.each(SIGNING_ALGORITHMS)('a stored %s keyring with a key-encryption key', (algorithm) => {
  it('holds no private member and no private key bytes, and opens again after a restart', async () => {
    const store = createMemoryKeyringStore();
    const keyring = await createKeyring({ algorithm, store, keyEncryptionKey: KEK });
    await keyring.rotate();
    const stored = JSON.stringify(await store.load());
    expectNoPrivateKeyIn(stored, keyring);
    expect(stored).not.toContain(KEK);
    const restarted = await createKeyring({ algorithm, store, keyEncryptionKey: KEK });
    expect(restarted.current().kid).toBe(keyring.current().kid);
    expect(restarted.entries().map((e) => e.key.kid)).toEqual(keyring.entries().map((e) => e.key.kid));
    // Saving again reuses each key's envelope: a restart re-encrypts nothing.
    expect(restarted.snapshot()).toEqual(keyring.snapshot());
  });
});

describe('sealed keyring snapshots fail closed', () => {
  async function sealedStoreWithTwoKeys() {
    const store = createMemoryKeyringStore();
    const keyring = await createKeyring({ store, keyEncryptionKey: KEK });
    await keyring.rotate();
    return { store, keyring };
  }

  it('refuses a sealed key copied under another kid', async () => {
    const { store } = await sealedStoreWithTwoKeys();
    await tamper(store, (s) => {
      // The attacker keeps both kids but swaps which sealed key each one names.
      const [a, b] = s.keys as [SealedKeyringSnapshot['keys'][0], SealedKeyringSnapshot['keys'][0]];
      [a.sealedJwk, b.sealedJwk] = [b.sealedJwk, a.sealedJwk];
    });
    const before = await store.load();
    const error = await refusal(createKeyring({ store, keyEncryptionKey: KEK }));
    expect(error).toBeInstanceOf(KeyringSnapshotError);
    expect(error.message).toMatch(/cannot be opened: the sealed secret failed authentication/);
    // Never a silent regeneration: the stored keyring is left as it was.
    expect(await store.load()).toEqual(before);
  });

  it('refuses a flipped ciphertext byte, a changed kid, and a sealed key replaced by a clear one', async () => {
    const edits: Array<(s: SealedKeyringSnapshot) => void> = [
      (s) => {
        const ct = Buffer.from(s.keys[0]!.sealedJwk.ct, 'base64url');
        ct[ct.length - 1]! ^= 0x80;
        s.keys[0]!.sealedJwk.ct = ct.toString('base64url');
      },
      (s) => {
        s.keys[0]!.kid = s.keys[1]!.kid.split('').reverse().join('');
      },
      (s) => {
        const { sealedJwk: _sealed, ...rest } = s.keys[0]!;
        s.keys[0] = { ...rest, jwk: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' } } as never;
      },
    ];
    for (const edit of edits) {
      const { store } = await sealedStoreWithTwoKeys();
      await tamper(store, edit);
      await expect(createKeyring({ store, keyEncryptionKey: KEK })).rejects.toThrow(KeyringSnapshotError);
    }
  });

  it('refuses to start under a wrong key-encryption key, or without one, and leaves the store as it was', async () => {
    const { store } = await sealedStoreWithTwoKeys();
    const before = await store.load();
    const wrong = await refusal(createKeyring({ store, keyEncryptionKey: generateKeyEncryptionKey() }));
    expect(wrong).toBeInstanceOf(KeyringSnapshotError);
    expect(wrong.message).toMatch(/not configured \(id [A-Za-z0-9_-]{8}\)/);
    expect(wrong.message).not.toContain(KEK);
    const none = await refusal(createKeyring({ store }));
    expect(none.message).toMatch(/encrypted: configure keyEncryptionKey/);
    expect(await store.load()).toEqual(before);
  });

  it('refuses on reload a keyring put back in the clear after it was encrypted', async () => {
    const store = createMemoryKeyringStore();
    const keyring = await createKeyring({ store, keyEncryptionKey: KEK });
    const planted = await createKeyring(); // an attacker's own key, in memory
    const stored = await store.load();
    const clear = { ...planted.snapshot(), revision: stored!.revision + 1 };
    expect(await store.save(clear, stored!.revision)).toBe(true);
    await expect(keyring.reload()).rejects.toThrow(/in the clear after it had been encrypted/);
    expect(keyring.resolve({ alg: 'EdDSA', kid: planted.current().kid })).toBeUndefined();
  });
});

describe('key-encryption key rotation and migration', () => {
  async function tokenFrom(keyring: Keyring) {
    const issuer = createAccessTokenIssuer({ keyring, issuer: 'https://api.test', audience: 'api' });
    return (await issuer.issue({ subject: 'user-1' })).token;
  }
  const verifierOf = (keyring: Keyring) =>
    createAccessTokenVerifier({ keys: keyring, issuer: 'https://api.test', audience: 'api', cache: false });

  it('opens a keyring sealed under a previous KEK, reseals it under the current one, and old tokens keep verifying', async () => {
    const store = createMemoryKeyringStore();
    const first = await createKeyring({ store, keyEncryptionKey: KEK });
    const token = await tokenFrom(first);
    const { revision } = await storedSnapshot(store);
    const events: KeyringEvent[] = [];
    const rotated = await createKeyring({
      store,
      keyEncryptionKey: NEW_KEK,
      previousKeyEncryptionKeys: [KEK],
      onEvent: (e) => events.push(e),
    });
    expect(events).toEqual([{ type: 'keys.resealed', reason: 'previous_kek' }]);
    expect((await verifierOf(rotated).verify(token)).subject).toBe('user-1');
    const resealed = await storedSnapshot(store);
    expect(resealed.revision).toBe(revision + 1);
    const newId = rotated.snapshot().keys[0] as SealedKeyringSnapshot['keys'][0];
    expect(resealed.keys.every((k) => k.sealedJwk.kek === newId.sealedJwk.kek)).toBe(true);
    // Once resealed, the new KEK alone opens it, and the old one alone no longer does.
    const later = await createKeyring({ store, keyEncryptionKey: NEW_KEK });
    expect((await verifierOf(later).verify(token)).subject).toBe('user-1');
    await expect(createKeyring({ store, keyEncryptionKey: KEK })).rejects.toThrow(/not configured/);
  });

  it('encrypts a keyring stored in the clear on its first load with a KEK, keeping its keys', async () => {
    const store = createMemoryKeyringStore();
    const clear = await createKeyring({ store });
    expect((await store.load())!.format).toBe('portcullis.keyring.v1');
    const token = await tokenFrom(clear);
    const events: KeyringEvent[] = [];
    const migrated = await createKeyring({ store, keyEncryptionKey: KEK, onEvent: (e) => events.push(e) });
    expect(events).toEqual([{ type: 'keys.resealed', reason: 'was_plaintext' }]);
    expect(migrated.current().kid).toBe(clear.current().kid);
    expectNoPrivateKeyIn(JSON.stringify(await storedSnapshot(store)), migrated);
    expect((await verifierOf(migrated).verify(token)).subject).toBe('user-1');
  });

  it('reseals once when several instances start together', async () => {
    const inner = createMemoryKeyringStore();
    let writes = 0;
    const store: KeyringStore = {
      load: () => inner.load(),
      save: async (s, r) => {
        const saved = await inner.save(s, r);
        if (saved) writes += 1;
        return saved;
      },
    };
    await createKeyring({ store });
    writes = 0;
    const instances = await Promise.all(
      Array.from({ length: 3 }, () => createKeyring({ store, keyEncryptionKey: KEK })),
    );
    expect(writes).toBe(1);
    expect(new Set(instances.map((k) => k.current().kid)).size).toBe(1);
    expect((await storedSnapshot(store)).revision).toBe(2);
  });
});

describe('a stored keyring without a key-encryption key', () => {
  it('is refused at start-up when NODE_ENV=production, naming the option and how to make one', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const store = createMemoryKeyringStore();
    const error = await refusal(createKeyring({ store }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(
      /^portcullis: createKeyring\.keyEncryptionKey: is required when NODE_ENV=production/,
    );
    expect(error.message).toMatch(/randomBytes\(32\)/);
    expect(await store.load()).toBeNull(); // refused before anything was generated
    await expect(createKeyring({ store, keyEncryptionKey: KEK })).resolves.toBeDefined();
    // Nothing stored, nothing to encrypt: a memory-only keyring and configured keys need no KEK.
    const inMemory = await createKeyring();
    await expect(createKeyring({ keys: [inMemory.current()] })).resolves.toBeDefined();
  });

  it('works in development, and says so through onEvent', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const events: KeyringEvent[] = [];
    await createKeyring({ store: createMemoryKeyringStore(), onEvent: (e) => events.push(e) });
    expect(events).toEqual([{ type: 'keys.stored_unencrypted' }]);
  });

  it('refuses key-encryption options that protect nothing or name no current key', async () => {
    const key = (await createKeyring()).current();
    await expect(createKeyring({ keys: [key], keyEncryptionKey: KEK })).rejects.toThrow(
      /^portcullis: createKeyring\.keyEncryptionKey: protects generated keys/,
    );
    await expect(
      createKeyring({ store: createMemoryKeyringStore(), previousKeyEncryptionKeys: [KEK] }),
    ).rejects.toThrow(/^portcullis: createKeyring\.previousKeyEncryptionKeys: needs keyEncryptionKey/);
    await expect(
      createKeyring({ store: createMemoryKeyringStore(), keyEncryptionKey: 'changeme' }),
    ).rejects.toThrow(/^portcullis: keyEncryptionKey: must be 32 random bytes/);
  });
});
