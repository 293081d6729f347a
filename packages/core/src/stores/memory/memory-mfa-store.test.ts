import { describe, expect, it } from 'vitest';
import { createMemoryMfaStore } from './memory-mfa-store.js';

// The contract itself is checked by runStoreSuite in @portcullis/testkit; these are the memory store's bounds.
describe('createMemoryMfaStore bounds', () => {
  it('refuses a new user’s factors when full, but still saves the enrolled users’ next versions', async () => {
    const store = createMemoryMfaStore({ maxEntries: 2 });
    expect(await store.saveFactors('a', '{}', 0, 1)).toBe(true);
    expect(await store.saveFactors('b', '{}', 0, 1)).toBe(true);
    await expect(store.saveFactors('c', '{}', 0, 1)).rejects.toThrow(/memory MFA factor store is full/);
    expect(await store.saveFactors('a', '{"v":2}', 1, 2)).toBe(true);
    // A refused compare-and-set is an answer, not a capacity error.
    expect(await store.saveFactors('c', '{}', 1, 1)).toBe(false);
    await store.deleteFactors('b');
    expect(await store.saveFactors('c', '{}', 0, 1)).toBe(true);
  });

  it('drops expired challenges before refusing a new one, and never evicts a live one', async () => {
    let now = 1_000;
    const store = createMemoryMfaStore({ maxEntries: 2, clock: () => now });
    await store.putChallenge('short', 's', 2_000);
    await store.putChallenge('long', 'l', 10_000);
    await expect(store.putChallenge('new', 'n', 10_000)).rejects.toThrow(
      /memory MFA challenge store is full/,
    );
    // Replacing a key takes no new room.
    await store.putChallenge('long', 'l2', 10_000);
    now = 2_000;
    await store.putChallenge('new', 'n', 10_000);
    expect(await store.peekChallenge('long', now)).toBe('l2');
    expect(await store.takeChallenge('new', now)).toBe('n');
    await expect(store.putChallenge('third', 't', 10_000)).resolves.toBeUndefined();
  });

  it('hands out copies: changing a returned record changes nothing stored', async () => {
    const store = createMemoryMfaStore();
    await store.saveFactors('u', '{"a":1}', 0, 5);
    const record = await store.getFactors('u');
    record!.version = 99;
    record!.data = 'tampered';
    expect(await store.getFactors('u')).toEqual({ userId: 'u', version: 1, data: '{"a":1}', updatedAt: 5 });
  });
});
