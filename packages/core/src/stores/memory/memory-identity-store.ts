import type { IdentityRecord, IdentityStore } from '../identity-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

/**
 * An in-memory `IdentityStore`: for tests and a single process. Bounded by `maxEntries` identities (they
 * never expire: a full store refuses new links with 503 rather than forgetting who is who).
 *
 * @example const identities = createMemoryIdentityStore(); // one process only
 */
export function createMemoryIdentityStore(options: { maxEntries?: number } = {}): IdentityStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const identities = new Map<string, IdentityRecord>();
  // JSON of the pair: no separator character an issuer or subject could contain can make two pairs collide.
  const keyOf = (issuer: string, subject: string) => JSON.stringify([issuer, subject]);
  return {
    async find(issuer, subject) {
      const record = identities.get(keyOf(issuer, subject));
      return record === undefined ? null : { ...record };
    },
    async link(record) {
      const key = keyOf(record.issuer, record.subject);
      if (identities.has(key)) return false;
      assertCapacity(identities.size, maxEntries, 'identity');
      identities.set(key, { ...record });
      return true;
    },
    async listByUser(userId) {
      return [...identities.values()]
        .filter((record) => record.userId === userId)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((record) => ({ ...record }));
    },
    async unlink(issuer, subject) {
      return identities.delete(keyOf(issuer, subject));
    },
  };
}
