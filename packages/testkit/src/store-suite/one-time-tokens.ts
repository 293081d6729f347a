import type { OneTimeTokenPurpose, OneTimeTokenRecord } from '@portcullis/core/stores';
import { describe, expect, it } from 'vitest';
import { HOUR, type StoreSuiteContext, uniqueId } from './context.js';

function token(subject: string, purpose: OneTimeTokenPurpose, now: number): OneTimeTokenRecord {
  return {
    hash: uniqueId('ott'),
    purpose,
    subject,
    email: `${subject}@example.test`,
    createdAt: now,
    expiresAt: now + HOUR,
  };
}

/** Mailed one-time tokens: only the newest of a subject and purpose works, each is spent once, atomically. */
export function oneTimeTokenSuite(ctx: StoreSuiteContext): void {
  describe('one-time tokens', () => {
    it('spends a token once and hands back the record as issued; a replay is refused', async () => {
      const store = ctx.stores().oneTimeTokens;
      const now = Date.now();
      const record = token(uniqueId('user'), 'reset_password', now);
      await store.issue(record);
      expect(await store.consume(record.hash, 'reset_password', now + 1)).toEqual(record);
      expect(await store.consume(record.hash, 'reset_password', now + 2)).toBeNull();
      expect(await store.consume(uniqueId('missing'), 'reset_password', now)).toBeNull();
    });

    it('refuses a token presented for another purpose, without spending it', async () => {
      const store = ctx.stores().oneTimeTokens;
      const now = Date.now();
      const record = token(uniqueId('user'), 'verify_email', now);
      await store.issue(record);
      expect(await store.consume(record.hash, 'reset_password', now)).toBeNull();
      expect(await store.consume(record.hash, 'verify_email', now)).toEqual(record);
    });

    it('refuses a token expired at `now`, without spending it', async () => {
      const store = ctx.stores().oneTimeTokens;
      const now = Date.now();
      const record = token(uniqueId('user'), 'verify_email', now);
      await store.issue(record);
      expect(await store.consume(record.hash, 'verify_email', record.expiresAt)).toBeNull();
      expect(await store.consume(record.hash, 'verify_email', record.expiresAt + HOUR)).toBeNull();
      // Judged by the caller's clock: one ms earlier it is still live, so the refusals left it in place.
      expect(await store.consume(record.hash, 'verify_email', record.expiresAt - 1)).toEqual(record);
    });

    it("replaces a subject's token of one purpose, and leaves its other purposes and other subjects alone", async () => {
      const store = ctx.stores().oneTimeTokens;
      const now = Date.now();
      const subject = uniqueId('user');
      const first = token(subject, 'verify_email', now);
      const reset = token(subject, 'reset_password', now);
      const other = token(uniqueId('other'), 'verify_email', now);
      for (const record of [first, reset, other]) await store.issue(record);
      const second = { ...token(subject, 'verify_email', now + 1000), email: 'changed@example.test' };
      await store.issue(second);

      expect(await store.consume(first.hash, 'verify_email', now + 2000)).toBeNull();
      expect(await store.consume(second.hash, 'verify_email', now + 2000)).toEqual(second);
      expect(await store.consume(reset.hash, 'reset_password', now + 2000)).toEqual(reset);
      expect(await store.consume(other.hash, 'verify_email', now + 2000)).toEqual(other);
    });

    it('keeps exactly one of 20 tokens issued at once for one subject and purpose', async () => {
      const store = ctx.stores().oneTimeTokens;
      const now = Date.now();
      const subject = uniqueId('user');
      const records = Array.from({ length: 20 }, () => token(subject, 'reset_password', now));
      await Promise.all(records.map((record) => store.issue(record)));
      const spent = await Promise.all(records.map((r) => store.consume(r.hash, 'reset_password', now + 1)));
      expect(spent.filter((record) => record !== null)).toHaveLength(1);
    });

    it("revokes every token of a subject, of every purpose, and nobody else's", async () => {
      const store = ctx.stores().oneTimeTokens;
      const now = Date.now();
      const subject = uniqueId('user');
      const verify = token(subject, 'verify_email', now);
      const reset = token(subject, 'reset_password', now);
      // A subject whose name extends the revoked one's must not be caught by it.
      const longer = token(`${subject}:2`, 'reset_password', now);
      const other = token(uniqueId('other'), 'reset_password', now);
      for (const record of [verify, reset, longer, other]) await store.issue(record);
      await store.revokeSubject(subject);
      await store.revokeSubject(uniqueId('nobody'));

      expect(await store.consume(verify.hash, 'verify_email', now)).toBeNull();
      expect(await store.consume(reset.hash, 'reset_password', now)).toBeNull();
      expect(await store.consume(longer.hash, 'reset_password', now)).toEqual(longer);
      expect(await store.consume(other.hash, 'reset_password', now)).toEqual(other);
    });

    it('lets exactly one of 20 concurrent consumes of one token have the record', async () => {
      const store = ctx.stores().oneTimeTokens;
      const now = Date.now();
      const record = token(uniqueId('user'), 'reset_password', now);
      await store.issue(record);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.consume(record.hash, 'reset_password', now + 1)),
      );
      const winners = results.filter((result) => result !== null);
      expect(winners).toEqual([record]);
    });
  });
}
