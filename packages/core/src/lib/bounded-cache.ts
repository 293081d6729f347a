/**
 * A size-bounded map with per-entry expiry. When full, the oldest insertion is
 * evicted (FIFO): entries here expire within minutes anyway, and skipping LRU
 * reordering keeps a hit to one `Map.get`.
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
}

export function createBoundedCache<V>(maxEntries: number): BoundedCache<V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('cache maxEntries must be a positive integer');
  const entries = new Map<string, Entry<V>>();
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
      if (entries.has(key)) entries.delete(key);
      else if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, expiresAtMs });
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
