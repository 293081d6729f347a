import type { RevocationStore } from '../revocation-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

/** An in-memory `RevocationStore`: entries live until the revoked tokens would have expired. Bounded by `maxEntries`. */
export function createMemoryRevocationStore(
  options: { maxEntries?: number; clock?: () => number } = {},
): RevocationStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const clock = options.clock ?? Date.now;
  const tokens = new Map<string, number>(); // jti → expiresAt
  const sessions = new Map<string, number>(); // sid → expiresAt
  const subjects = new Map<string, { before: number; expiresAt: number }>();

  const size = () => tokens.size + sessions.size + subjects.size;
  function ensureRoom() {
    if (size() < maxEntries) return;
    const now = clock();
    for (const map of [tokens, sessions]) for (const [k, exp] of map) if (exp <= now) map.delete(k);
    for (const [k, entry] of subjects) if (entry.expiresAt <= now) subjects.delete(k);
    assertCapacity(size(), maxEntries, 'revocation');
  }

  function live(map: Map<string, number>, key: string | undefined, now: number): boolean {
    if (key === undefined) return false;
    const expiresAt = map.get(key);
    return expiresAt !== undefined && expiresAt > now;
  }

  return {
    async revokeToken(tokenId, expiresAt) {
      ensureRoom();
      tokens.set(tokenId, Math.max(expiresAt, tokens.get(tokenId) ?? 0));
    },
    async revokeSession(sessionId, expiresAt) {
      ensureRoom();
      sessions.set(sessionId, Math.max(expiresAt, sessions.get(sessionId) ?? 0));
    },
    async revokeSubject(subject, before, expiresAt) {
      ensureRoom();
      const previous = subjects.get(subject);
      subjects.set(subject, {
        before: Math.max(before, previous?.before ?? 0),
        expiresAt: Math.max(expiresAt, previous?.expiresAt ?? 0),
      });
    },
    // Synchronous: the verifier's cache hit then completes without a single microtask hop.
    isRevoked(check, now) {
      if (live(tokens, check.tokenId, now) || live(sessions, check.sessionId, now)) return true;
      const subject = subjects.get(check.subject);
      return subject !== undefined && subject.expiresAt > now && check.issuedAt < subject.before;
    },
  };
}
