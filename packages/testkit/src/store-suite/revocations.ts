import { describe, expect, it } from 'vitest';
import { MINUTE, type StoreSuiteContext, uniqueId } from './context.js';

export function revocationSuite(ctx: StoreSuiteContext): void {
  describe('revocations', () => {
    it('denies a token id until it would have expired', async () => {
      const store = ctx.stores().revocations;
      const now = Date.now();
      const jti = uniqueId('jti');
      const check = { tokenId: jti, sessionId: undefined, subject: uniqueId('user'), issuedAt: now - MINUTE };
      expect(await store.isRevoked(check, now)).toBe(false);
      await store.revokeToken(jti, now + 15 * MINUTE);
      expect(await store.isRevoked(check, now)).toBe(true);
      expect(await store.isRevoked({ ...check, tokenId: uniqueId('other') }, now)).toBe(false);
      expect(await store.isRevoked(check, now + 15 * MINUTE)).toBe(false);
    });

    it('denies every token of a session (refresh family)', async () => {
      const store = ctx.stores().revocations;
      const now = Date.now();
      const sid = uniqueId('sid');
      await store.revokeSession(sid, now + 15 * MINUTE);
      const check = { tokenId: uniqueId('jti'), sessionId: sid, subject: uniqueId('user'), issuedAt: now };
      expect(await store.isRevoked(check, now)).toBe(true);
      expect(await store.isRevoked({ ...check, sessionId: uniqueId('sid') }, now)).toBe(false);
      expect(await store.isRevoked({ ...check, sessionId: undefined }, now)).toBe(false);
    });

    it('denies tokens of a subject issued before a moment, not after', async () => {
      const store = ctx.stores().revocations;
      const now = Date.now();
      const subject = uniqueId('user');
      await store.revokeSubject(subject, now, now + 15 * MINUTE);
      const base = { tokenId: uniqueId('jti'), sessionId: undefined, subject };
      expect(await store.isRevoked({ ...base, issuedAt: now - 1000 }, now + 1)).toBe(true);
      expect(await store.isRevoked({ ...base, issuedAt: now }, now + 1)).toBe(false);
      expect(
        await store.isRevoked({ ...base, subject: uniqueId('other'), issuedAt: now - 1000 }, now + 1),
      ).toBe(false);
      // A later "log out everywhere" moves the moment forward, never back.
      await store.revokeSubject(subject, now - 10 * MINUTE, now + 15 * MINUTE);
      expect(await store.isRevoked({ ...base, issuedAt: now - 1000 }, now + 1)).toBe(true);
    });
  });
}
