import { describe, expect, it } from 'vitest';
import { createMemoryOAuthStateStore } from './memory-oauth-state-store.js';

describe('createMemoryOAuthStateStore', () => {
  it('drops expired entries as new ones come, so a steady stream never fills it', async () => {
    let now = 0;
    const store = createMemoryOAuthStateStore({ maxEntries: 1000, clock: () => now });
    // 20 000 entries living 1 s, one every 2 ms: about 500 live at any time, 20× the total over the bound.
    for (let i = 0; i < 20_000; i++) {
      now += 2;
      expect(await store.consume(`k${i}`, now + 1000)).toBe(true);
    }
    // Live entries are still spent; an expired one may be spent again.
    expect(await store.consume('k19999', now + 1000)).toBe(false);
    now += 1001;
    expect(await store.consume('k19999', now + 1000)).toBe(true);
  });

  it('keeps long-lived entries while short-lived ones behind them expire', async () => {
    let now = 0;
    const store = createMemoryOAuthStateStore({ maxEntries: 600, clock: () => now });
    expect(await store.consume('state', now + 600_000)).toBe(true);
    for (let i = 0; i < 5000; i++) {
      now += 2;
      expect(await store.consume(`p${i}`, now + 1000)).toBe(true);
    }
    expect(await store.consume('state', now + 600_000)).toBe(false);
  });

  it('refuses new entries when full of live ones (503 upstream), never evicting a live one', async () => {
    const store = createMemoryOAuthStateStore({ maxEntries: 3, clock: () => 0 });
    for (const key of ['a', 'b', 'c']) await store.consume(key, 10_000);
    await expect(store.consume('d', 10_000)).rejects.toThrow(/full/);
    expect(await store.consume('a', 10_000)).toBe(false);
  });
});
