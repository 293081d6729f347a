import type { MfaFactorsRecord, MfaStore } from '../mfa-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

/**
 * An in-memory `MfaStore`: for tests and a single process. Bounded by `maxEntries` users with factors and
 * by `maxEntries` live challenges; expired challenges are dropped when the store fills up. Factors never
 * expire: a full store refuses new enrolments (503) rather than forgetting a second factor.
 *
 * @example const mfa = createMemoryMfaStore(); // one process only
 */
export function createMemoryMfaStore(options: { maxEntries?: number; clock?: () => number } = {}): MfaStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const clock = options.clock ?? Date.now;
  const factors = new Map<string, MfaFactorsRecord>();
  const challenges = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string, now: number) => {
    const challenge = challenges.get(key);
    return challenge === undefined || challenge.expiresAt <= now ? null : challenge;
  };
  return {
    async getFactors(userId) {
      const record = factors.get(userId);
      return record === undefined ? null : { ...record };
    },
    async saveFactors(userId, data, expectedVersion, now) {
      // One synchronous step between the check and the write: no other call can come in between.
      const stored = factors.get(userId);
      if ((stored?.version ?? 0) !== expectedVersion) return false;
      if (stored === undefined) assertCapacity(factors.size, maxEntries, 'MFA factor');
      factors.set(userId, { userId, version: expectedVersion + 1, data, updatedAt: now });
      return true;
    },
    async deleteFactors(userId) {
      factors.delete(userId);
    },
    async putChallenge(key, value, expiresAt) {
      if (!challenges.has(key) && challenges.size >= maxEntries) {
        const now = clock();
        for (const [k, challenge] of challenges) if (challenge.expiresAt <= now) challenges.delete(k);
        assertCapacity(challenges.size, maxEntries, 'MFA challenge');
      }
      challenges.set(key, { value, expiresAt });
    },
    async peekChallenge(key, now) {
      return live(key, now)?.value ?? null;
    },
    async takeChallenge(key, now) {
      const challenge = live(key, now);
      if (challenge === null) return null;
      challenges.delete(key);
      return challenge.value;
    },
  };
}
