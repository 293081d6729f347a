import type { SessionRecord, SessionStore } from '../session-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

/** An in-memory `SessionStore`: for tests and a single process. Bounded by `maxEntries` sessions. */
export function createMemorySessionStore(
  options: { maxEntries?: number; clock?: () => number } = {},
): SessionStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const clock = options.clock ?? Date.now;
  const sessions = new Map<string, SessionRecord>();
  const isLive = (record: SessionRecord, now: number) =>
    record.idleExpiresAt > now && record.absoluteExpiresAt > now;
  const copy = (record: SessionRecord): SessionRecord => ({ ...record, data: { ...record.data } });
  return {
    async create(record) {
      if (sessions.size >= maxEntries) {
        const now = clock();
        for (const [hash, existing] of sessions) if (!isLive(existing, now)) sessions.delete(hash);
      }
      assertCapacity(sessions.size, maxEntries, 'session');
      sessions.set(record.idHash, copy(record));
    },
    async get(idHash, now) {
      const record = sessions.get(idHash);
      if (record === undefined) return null;
      if (!isLive(record, now)) {
        sessions.delete(idHash);
        return null;
      }
      return copy(record);
    },
    async touch(idHash, idleExpiresAt) {
      const record = sessions.get(idHash);
      if (record === undefined) return false;
      record.idleExpiresAt = idleExpiresAt;
      return true;
    },
    async delete(idHash) {
      sessions.delete(idHash);
    },
    async deleteBySubject(subject) {
      for (const [hash, record] of sessions) if (record.subject === subject) sessions.delete(hash);
    },
  };
}
