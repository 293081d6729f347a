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
  // Every key, in a queue of its own (reading a Map's first entry walks past every slot earlier deletions
  // left behind): each call looks at the two oldest, drops them if expired and sends them to the back if
  // not. The map stays near its live size instead of growing until full — DPoP spends one entry per
  // request — and the queue near the map's.
  const order: (string | undefined)[] = [];
  let head = 0;
  const dropExpired = (now: number) => {
    for (let i = 0; i < 2 && head < order.length; i++) {
      const key = order[head]!;
      order[head++] = undefined;
      const until = spent.get(key);
      if (until !== undefined && until > now) order.push(key);
      else spent.delete(key);
    }
    if (head > 1024 && head * 2 > order.length) {
      order.splice(0, head);
      head = 0;
    }
  };
  return {
    async consume(key, expiresAt) {
      const now = clock();
      dropExpired(now);
      const until = spent.get(key);
      if (until !== undefined && until > now) return false;
      if (until === undefined && spent.size >= maxEntries) {
        for (const [k, exp] of spent) if (exp <= now) spent.delete(k);
        assertCapacity(spent.size, maxEntries, 'OAuth state');
      }
      spent.set(key, expiresAt);
      order.push(key);
      return true;
    },
  };
}
