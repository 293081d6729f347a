import { optionError } from './option-error.js';

/**
 * A size-bounded map with per-entry expiry. When full, the oldest insertion is evicted (FIFO): entries here
 * expire within minutes anyway, and skipping LRU reordering keeps a hit to one `Map.get`.
 *
 * Insertion order is kept in a ring of keys rather than read back from the Map: `map.keys().next()` walks
 * past every slot earlier deletions left behind, which made each eviction cost microseconds once full.
 */
export interface BoundedCache<V> {
  get(key: string, now: number): V | undefined;
  set(key: string, value: V, expiresAtMs: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

interface Entry<V> {
  value: V;
  expiresAtMs: number;
  /** Position of this entry's key in the ring, so that eviction can tell a live slot from a stale one. */
  slot: number;
}

export function createBoundedCache<V>(maxEntries: number): BoundedCache<V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw optionError('tokens.cache.maxEntries', 'must be a positive integer', 'omit it for 10 000');
  const entries = new Map<string, Entry<V>>();
  let ring: (string | undefined)[] = new Array(maxEntries);
  let next = 0;

  return {
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (now >= entry.expiresAtMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, expiresAtMs) {
      const existing = entries.get(key);
      if (existing !== undefined) {
        existing.value = value;
        existing.expiresAtMs = expiresAtMs;
        return;
      }
      // The slot's previous key is evicted if it still owns that slot (it may have expired or been deleted).
      const evicted = ring[next];
      if (evicted !== undefined && entries.get(evicted)?.slot === next) entries.delete(evicted);
      ring[next] = key;
      entries.set(key, { value, expiresAtMs, slot: next });
      next = next + 1 === maxEntries ? 0 : next + 1;
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
      ring = new Array(maxEntries);
      next = 0;
    },
    get size() {
      return entries.size;
    },
  };
}
