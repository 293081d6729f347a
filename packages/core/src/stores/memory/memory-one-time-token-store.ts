import type { OneTimeTokenRecord, OneTimeTokenStore } from '../one-time-token-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

/**
 * An in-memory `OneTimeTokenStore`: for tests and a single process. Bounded by `maxEntries` live tokens;
 * expired ones are dropped when the store fills up.
 *
 * @example const oneTimeTokens = createMemoryOneTimeTokenStore(); // one process only
 */
export function createMemoryOneTimeTokenStore(
  options: { maxEntries?: number; clock?: () => number } = {},
): OneTimeTokenStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const clock = options.clock ?? Date.now;
  const byHash = new Map<string, OneTimeTokenRecord>();
  const slot = (record: Pick<OneTimeTokenRecord, 'subject' | 'purpose'>) =>
    `${record.purpose}\u0000${record.subject}`;
  const bySlot = new Map<string, string>(); // purpose + subject → hash of the newest token
  const drop = (hash: string) => {
    const record = byHash.get(hash);
    if (record === undefined) return;
    byHash.delete(hash);
    if (bySlot.get(slot(record)) === hash) bySlot.delete(slot(record));
  };
  return {
    async issue(record) {
      const previous = bySlot.get(slot(record));
      if (previous !== undefined) drop(previous);
      if (byHash.size >= maxEntries) {
        const now = clock();
        for (const [hash, existing] of byHash) if (existing.expiresAt <= now) drop(hash);
      }
      assertCapacity(byHash.size, maxEntries, 'one-time token');
      byHash.set(record.hash, { ...record });
      bySlot.set(slot(record), record.hash);
    },
    async consume(hash, purpose, now) {
      const record = byHash.get(hash);
      if (record === undefined || record.purpose !== purpose || record.expiresAt <= now) return null;
      drop(hash);
      return { ...record };
    },
    async revokeSubject(subject) {
      for (const [hash, record] of byHash) if (record.subject === subject) drop(hash);
    },
  };
}
