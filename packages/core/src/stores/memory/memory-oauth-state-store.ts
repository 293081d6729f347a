import type { OAuthStateStore } from '../oauth-state-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

/**
 * An in-memory `OAuthStateStore`: for tests and a single process. Bounded by `maxEntries` spent states.
 *
 * @example const oauthStates = createMemoryOAuthStateStore({ maxEntries: 10_000 }); // one process only
 */
export function createMemoryOAuthStateStore(
  options: { maxEntries?: number; clock?: () => number } = {},
): OAuthStateStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const clock = options.clock ?? Date.now;
  const spent = new Map<string, number>(); // key → expiresAt
  return {
    async consume(key, expiresAt) {
      const now = clock();
      const until = spent.get(key);
      if (until !== undefined && until > now) return false;
      if (until === undefined && spent.size >= maxEntries) {
        for (const [k, exp] of spent) if (exp <= now) spent.delete(k);
        assertCapacity(spent.size, maxEntries, 'OAuth state');
      }
      spent.set(key, expiresAt);
      return true;
    },
  };
}
