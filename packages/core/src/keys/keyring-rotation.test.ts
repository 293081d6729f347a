import { describe, expect, it } from 'vitest';
import { fakeClock } from '../testing/token-fixtures.js';
import { generateKeyEncryptionKey } from './key-encryption-key.js';
import { createKeyring, type Keyring, type KeyringEvent } from './keyring.js';
import { createMemoryKeyringStore, type KeyringStore } from './keyring-store.js';

const DAY = 86_400;
const KEK = generateKeyEncryptionKey();

/** A shared store that counts reads and successful writes, and can be made to fail. */
function countingStore() {
  const inner = createMemoryKeyringStore();
  const counts = { loads: 0, writes: 0, failSaves: false };
  const store: KeyringStore = {
    load: async () => {
      counts.loads += 1;
      return inner.load();
    },
    save: async (snapshot, expected) => {
      if (counts.failSaves) throw new Error('store down');
      const saved = await inner.save(snapshot, expected);
      if (saved) counts.writes += 1;
      return saved;
    },
  };
  return { store, counts };
}

const kids = (keyring: Keyring) => keyring.jwks().keys.map((k) => k.kid);

describe('scheduled rotation', () => {
  const rotation = { every: '30d', prePublish: '1d' };

  it('publishes the next key prePublish before it signs; the old one verifies retireAfter longer, then retires', async () => {
    const clock = fakeClock();
    const { store } = countingStore();
    const keyring = await createKeyring({ store, keyEncryptionKey: KEK, rotation, retireAfter: '1d', clock });
    const first = keyring.current();

    clock.advance(29 * DAY - 1);
    expect(await keyring.rotateIfDue()).toBeUndefined();
    expect(kids(keyring)).toEqual([first.kid]);

    clock.advance(1);
    const published = await keyring.rotateIfDue();
    expect(published).toBeDefined();
    // In the JWKS at once, so resource servers' caches hold it before any token names it…
    expect(kids(keyring)).toEqual([published!.kid, first.kid]);
    // …but the old key goes on signing until prePublish has passed.
    expect(keyring.current().kid).toBe(first.kid);
    clock.advance(DAY - 1);
    expect(keyring.current().kid).toBe(first.kid);
    clock.advance(1);
    expect(keyring.current().kid).toBe(published!.kid);

    // The old key verifies for retireAfter after it stopped signing, then leaves the JWKS and the keyring.
    clock.advance(DAY - 1);
    expect(keyring.resolve({ alg: 'EdDSA', kid: first.kid })).toBeDefined();
    expect(kids(keyring)).toContain(first.kid);
    clock.advance(1);
    expect(keyring.resolve({ alg: 'EdDSA', kid: first.kid })).toBeUndefined();
    expect(kids(keyring)).toEqual([published!.kid]);
  });

  it('is checked lazily on use: nothing due costs no store read; a due rotation starts from a JWKS read', async () => {
    const clock = fakeClock();
    const { store, counts } = countingStore();
    const keyring = await createKeyring({ store, rotation, clock });
    const loads = counts.loads;
    for (let i = 0; i < 1_000; i++) {
      keyring.current();
      keyring.jwks();
      void keyring.revision;
    }
    expect(counts.loads).toBe(loads);
    clock.advance(29 * DAY);
    keyring.jwks(); // starts the rotation in the background
    const published = await keyring.rotateIfDue(); // joins it
    expect(published).toBeDefined();
    expect(counts.writes).toBe(2);
    expect(kids(keyring)[0]).toBe(published!.kid);
  });

  it('lets exactly one of two instances on one store rotate, and both agree on the keys', async () => {
    const clock = fakeClock();
    const { store, counts } = countingStore();
    const a = await createKeyring({ store, keyEncryptionKey: KEK, rotation, clock });
    const b = await createKeyring({ store, keyEncryptionKey: KEK, rotation, clock });
    const first = a.current();
    expect(b.current().kid).toBe(first.kid);
    const writes = counts.writes;

    clock.advance(29 * DAY);
    const [fromA, fromB] = await Promise.all([a.rotateIfDue(), b.rotateIfDue()]);
    expect(counts.writes - writes).toBe(1);
    expect([fromA, fromB].filter((k) => k !== undefined)).toHaveLength(1);
    expect(kids(a)).toEqual(kids(b));
    expect(kids(a)).toHaveLength(2);
    // Neither rotates again in this period.
    expect(await a.rotateIfDue()).toBeUndefined();
    expect(await b.rotateIfDue()).toBeUndefined();
    expect(counts.writes - writes).toBe(1);

    clock.advance(DAY);
    const next = (fromA ?? fromB)!;
    expect(a.current().kid).toBe(next.kid);
    expect(b.current().kid).toBe(next.kid);
  });

  it('runs through store-less instances too, and a manual rotation restarts the schedule', async () => {
    const clock = fakeClock();
    const keyring = await createKeyring({ rotation, clock });
    clock.advance(10 * DAY);
    const manual = await keyring.rotate();
    expect(keyring.current().kid).toBe(manual.kid); // at once, as POST /admin/keys/rotate always did
    clock.advance(29 * DAY - 1);
    expect(await keyring.rotateIfDue()).toBeUndefined();
    clock.advance(1);
    expect(await keyring.rotateIfDue()).toBeDefined();
  });

  it('reports a failed rotation by event and tries again a minute later, not on every request', async () => {
    const clock = fakeClock();
    const { store, counts } = countingStore();
    const events: KeyringEvent[] = [];
    const keyring = await createKeyring({ store, rotation, clock, onEvent: (e) => events.push(e) });
    counts.failSaves = true;
    clock.advance(29 * DAY);
    keyring.current();
    await keyring.rotateIfDue().catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toContainEqual({ type: 'keys.rotation_failed', name: 'Error' });
    const loads = counts.loads;
    for (let i = 0; i < 100; i++) keyring.current();
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts.loads).toBe(loads);
    counts.failSaves = false;
    clock.advance(60);
    keyring.current();
    expect(await keyring.rotateIfDue()).toBeDefined();
    expect(events.filter((e) => e.type === 'keys.published')).toHaveLength(1);
  });

  it('refuses a schedule that cannot work, at construction', async () => {
    await expect(createKeyring({ rotation: { every: '1d', prePublish: '1d' } })).rejects.toThrow(
      /^portcullis: createKeyring\.rotation\.prePublish: \(default 1d\) must be shorter than createKeyring\.rotation\.every/,
    );
    await expect(createKeyring({ rotation: { every: '12h' } })).rejects.toThrow(
      /^portcullis: createKeyring\.rotation\.prePublish: \(default 1d\) must be shorter/,
    );
    await expect(createKeyring({ rotation: { every: 'monthly' } })).rejects.toThrow(
      /^portcullis: createKeyring\.rotation\.every: "monthly" is not a duration/,
    );
    const key = (await createKeyring()).current();
    await expect(createKeyring({ keys: [key], rotation })).rejects.toThrow(
      /^portcullis: createKeyring\.rotation: needs generated keys/,
    );
  });
});
