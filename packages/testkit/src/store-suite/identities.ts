import type { IdentityRecord } from '@portcullis/core/stores';
import { describe, expect, it } from 'vitest';
import { type StoreSuiteContext, uniqueId } from './context.js';

function identity(userId: string, createdAt: number, extra: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    issuer: 'https://accounts.example.test',
    subject: uniqueId('sub'),
    userId,
    provider: 'google',
    email: `${userId}@example.test`,
    createdAt,
    ...extra,
  };
}

/** Sign-in identities: unique on (issuer, subject), linked atomically, never confused with one another. */
export function identitySuite(ctx: StoreSuiteContext): void {
  describe('identities', () => {
    it('links an identity and finds it by issuer and subject with every field intact', async () => {
      const store = ctx.stores().identities;
      const record = identity(uniqueId('user'), Date.now(), { provider: 'oidc' });
      expect(await store.link(record)).toBe(true);
      expect(await store.find(record.issuer, record.subject)).toEqual(record);
      expect(await store.find('https://other.example.test', record.subject)).toBeNull();
      expect(await store.find(record.issuer, uniqueId('missing'))).toBeNull();
    });

    it('refuses a second link of a linked pair, even to another user, and changes nothing', async () => {
      const store = ctx.stores().identities;
      const now = Date.now();
      const first = identity(uniqueId('user'), now);
      const intruder = uniqueId('intruder');
      expect(await store.link(first)).toBe(true);
      expect(await store.link({ ...first })).toBe(false);
      const takeover = { ...identity(intruder, now + 1000), issuer: first.issuer, subject: first.subject };
      expect(await store.link(takeover)).toBe(false);
      expect(await store.find(first.issuer, first.subject)).toEqual(first);
      expect(await store.listByUser(intruder)).toEqual([]);
    });

    it('lets exactly one of 20 concurrent links of one pair succeed', async () => {
      const store = ctx.stores().identities;
      const now = Date.now();
      const pair = { issuer: 'https://accounts.example.test', subject: uniqueId('sub') };
      const records = Array.from({ length: 20 }, () => identity(uniqueId('user'), now, pair));
      const results = await Promise.all(records.map((record) => store.link(record)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = records[results.indexOf(true)];
      expect(await store.find(pair.issuer, pair.subject)).toEqual(winner);
    });

    it("lists a user's identities oldest first, and nobody else's", async () => {
      const store = ctx.stores().identities;
      const now = Date.now();
      const userId = uniqueId('user');
      const oldest = identity(userId, now - 3000, { issuer: 'https://z.example.test' });
      const middle = identity(userId, now - 2000, { provider: 'github', issuer: 'https://a.example.test' });
      const newest = identity(userId, now - 1000);
      for (const record of [newest, oldest, middle]) await store.link(record);
      await store.link(identity(uniqueId('other'), now - 4000));
      expect(await store.listByUser(userId)).toEqual([oldest, middle, newest]);
      expect(await store.listByUser(uniqueId('nobody'))).toEqual([]);
    });

    it('unlinks a pair once, which frees it for a new link', async () => {
      const store = ctx.stores().identities;
      const now = Date.now();
      const record = identity(uniqueId('user'), now);
      const kept = identity(record.userId, now + 1);
      await store.link(record);
      await store.link(kept);
      expect(await store.unlink(record.issuer, record.subject)).toBe(true);
      expect(await store.unlink(record.issuer, record.subject)).toBe(false);
      expect(await store.find(record.issuer, record.subject)).toBeNull();
      expect(await store.listByUser(record.userId)).toEqual([kept]);
      expect(await store.unlink(record.issuer, uniqueId('missing'))).toBe(false);

      const relinked = { ...record, userId: uniqueId('user'), createdAt: now + 2 };
      expect(await store.link(relinked)).toBe(true);
      expect(await store.find(record.issuer, record.subject)).toEqual(relinked);
    });

    it('keeps pairs apart whatever characters their issuer and subject hold', async () => {
      const store = ctx.stores().identities;
      const now = Date.now();
      const run = uniqueId('run');
      // Pairs that a key built by joining issuer and subject with a separator would confuse.
      const pairs: [string, string][] = [
        [`${run}a:b`, 'c'],
        [`${run}a`, 'b:c'],
        [`${run}a|b`, 'c'],
        [`${run}a`, 'b|c'],
        [`${run}a`, ':b:c'],
        [`${run}a:`, 'b:c'],
        [`${run}a`, '["b","c"]'],
        [`${run}a\\`, '"b'],
        [`${run}a b`, 'c\nd'],
        [`${run}ü`, 'ключ 🔑'],
        [`${run}ü`, 'ключ'],
      ];
      const records = pairs.map(([issuer, subject], i) =>
        identity(uniqueId('user'), now + i, { issuer, subject, email: `${subject}@example.test` }),
      );
      for (const record of records) expect(await store.link(record)).toBe(true);
      for (const record of records) expect(await store.find(record.issuer, record.subject)).toEqual(record);
      for (const record of records) expect(await store.listByUser(record.userId)).toEqual([record]);

      expect(await store.unlink(records[0]!.issuer, records[0]!.subject)).toBe(true);
      expect(await store.find(records[1]!.issuer, records[1]!.subject)).toEqual(records[1]);
      expect(await store.find(`${run}a`, 'b')).toBeNull();
      expect(await store.find(`${run}a:b:c`, '')).toBeNull();
    });
  });
}
