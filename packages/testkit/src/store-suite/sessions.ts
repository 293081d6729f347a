import type { SessionRecord } from '@portcullis/core/stores';
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, type StoreSuiteContext, uniqueId } from './context.js';

function session(subject: string, now: number): SessionRecord {
  return {
    idHash: uniqueId('sid'),
    subject,
    createdAt: now,
    absoluteExpiresAt: now + 12 * HOUR,
    idleExpiresAt: now + 30 * MINUTE,
    data: { roles: ['user'] },
  };
}

export function sessionSuite(ctx: StoreSuiteContext): void {
  describe('sessions', () => {
    it('stores a session and reads it back while live', async () => {
      const store = ctx.stores().sessions;
      const now = Date.now();
      const record = session(uniqueId('user'), now);
      await store.create(record);
      expect(await store.get(record.idHash, now + 1)).toEqual(record);
      expect(await store.get(uniqueId('missing'), now)).toBeNull();
    });

    it('ends a session at its idle timeout unless touched, and at its absolute timeout regardless', async () => {
      const store = ctx.stores().sessions;
      const now = Date.now();
      const record = session(uniqueId('user'), now);
      await store.create(record);
      expect(await store.get(record.idHash, now + 30 * MINUTE)).toBeNull();

      const active = session(uniqueId('user'), now);
      await store.create(active);
      expect(await store.touch(active.idHash, now + 50 * MINUTE)).toBe(true);
      expect((await store.get(active.idHash, now + 40 * MINUTE))?.idleExpiresAt).toBe(now + 50 * MINUTE);
      expect(await store.touch(active.idHash, now + 13 * HOUR)).toBe(true);
      expect(await store.get(active.idHash, now + 12 * HOUR)).toBeNull();
      expect(await store.touch(uniqueId('missing'), now + HOUR)).toBe(false);
    });

    it('destroys one session, or all of a subject', async () => {
      const store = ctx.stores().sessions;
      const now = Date.now();
      const subject = uniqueId('user');
      const a = session(subject, now);
      const b = session(subject, now);
      const other = session(uniqueId('other'), now);
      for (const s of [a, b, other]) await store.create(s);
      await store.delete(a.idHash);
      expect(await store.get(a.idHash, now)).toBeNull();
      expect(await store.get(b.idHash, now)).not.toBeNull();
      await store.deleteBySubject(subject);
      expect(await store.get(b.idHash, now)).toBeNull();
      expect(await store.get(other.idHash, now)).not.toBeNull();
    });
  });
}
