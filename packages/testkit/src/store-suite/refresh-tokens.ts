import type { RefreshFamily } from '@portcullis/core/stores';
import { describe, expect, it } from 'vitest';
import { HOUR, type StoreSuiteContext, uniqueId } from './context.js';

function newFamily(subject: string, now: number, lifetime = 24 * HOUR): RefreshFamily {
  return {
    id: uniqueId('fam'),
    subject,
    createdAt: now,
    expiresAt: now + lifetime,
    revokedAt: null,
    data: { method: 'password' },
  };
}

export function refreshTokenSuite(ctx: StoreSuiteContext): void {
  describe('refresh tokens', () => {
    it('rotates a live token once, then treats its reuse as theft and revokes the family', async () => {
      const store = ctx.stores().refreshTokens;
      const now = Date.now();
      const family = newFamily(uniqueId('user'), now);
      const [t1, t2, t3] = [uniqueId('h1'), uniqueId('h2'), uniqueId('h3')];
      await store.createFamily(family, t1, now + HOUR);

      const first = await store.rotate(t1, t2, now + HOUR, now + 1000);
      expect(first.outcome).toBe('rotated');
      expect(first.outcome === 'rotated' && first.family).toMatchObject({
        id: family.id,
        subject: family.subject,
        data: { method: 'password' },
      });

      const replay = await store.rotate(t1, t3, now + HOUR, now + 2000);
      expect(replay.outcome).toBe('reused');
      expect(replay.outcome === 'reused' && replay.family.id).toBe(family.id);

      // The newest token of the family stops working too.
      expect((await store.rotate(t2, uniqueId('h4'), now + HOUR, now + 3000)).outcome).toBe('invalid');
      expect((await store.findFamily(family.id))?.revokedAt).not.toBeNull();
    });

    it('lets exactly one of 50 concurrent rotations of one token succeed', async () => {
      const store = ctx.stores().refreshTokens;
      const now = Date.now();
      const family = newFamily(uniqueId('user'), now);
      const token = uniqueId('h');
      await store.createFamily(family, token, now + HOUR);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.rotate(token, uniqueId(`next${i}`), now + HOUR, now + 1)),
      );
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'rotated')).toHaveLength(1);
      // The first loser revokes the family as a reuse; later ones then find the family revoked.
      expect(outcomes.filter((o) => o === 'reused').length).toBeGreaterThanOrEqual(1);
      expect(outcomes.filter((o) => o === 'reused' || o === 'invalid')).toHaveLength(49);
      expect((await store.findFamily(family.id))?.revokedAt).not.toBeNull();
    });

    it('refuses unknown and expired tokens, and every token of an expired family', async () => {
      const store = ctx.stores().refreshTokens;
      const now = Date.now();
      expect((await store.rotate(uniqueId('unknown'), uniqueId('n'), now + HOUR, now)).outcome).toBe(
        'invalid',
      );

      const shortToken = newFamily(uniqueId('user'), now);
      const t = uniqueId('h');
      await store.createFamily(shortToken, t, now + 1000);
      expect((await store.rotate(t, uniqueId('n'), now + HOUR, now + 1000)).outcome).toBe('invalid');

      const shortFamily = newFamily(uniqueId('user'), now, 5000);
      const f1 = uniqueId('h');
      const f2 = uniqueId('h');
      await store.createFamily(shortFamily, f1, now + HOUR);
      expect((await store.rotate(f1, f2, now + HOUR, now + 1000)).outcome).toBe('rotated');
      expect((await store.rotate(f2, uniqueId('n'), now + HOUR, now + 5000)).outcome).toBe('invalid');
    });

    it('revokes one family, or every family of a subject', async () => {
      const store = ctx.stores().refreshTokens;
      const now = Date.now();
      const subject = uniqueId('user');
      const other = newFamily(uniqueId('someone-else'), now);
      const otherToken = uniqueId('h');
      await store.createFamily(other, otherToken, now + HOUR);
      const families = [newFamily(subject, now), newFamily(subject, now), newFamily(subject, now)];
      const tokens = families.map(() => uniqueId('h'));
      for (const [i, family] of families.entries()) await store.createFamily(family, tokens[i]!, now + HOUR);

      expect(await store.revokeFamily(families[0]!.id, now + 10)).toBe(true);
      expect(await store.revokeFamily(uniqueId('missing'), now + 10)).toBe(false);
      expect((await store.rotate(tokens[0]!, uniqueId('n'), now + HOUR, now + 20)).outcome).toBe('invalid');

      const revoked = await store.revokeSubject(subject, now + 30);
      expect(revoked.sort()).toEqual([families[1]!.id, families[2]!.id].sort());
      for (const token of tokens.slice(1)) {
        expect((await store.rotate(token, uniqueId('n'), now + HOUR, now + 40)).outcome).toBe('invalid');
      }
      expect((await store.rotate(otherToken, uniqueId('n'), now + HOUR, now + 40)).outcome).toBe('rotated');
    });

    it('finds a family by token without spending the token', async () => {
      const store = ctx.stores().refreshTokens;
      const now = Date.now();
      const family = newFamily(uniqueId('user'), now);
      const token = uniqueId('h');
      await store.createFamily(family, token, now + HOUR);
      expect((await store.findFamilyByToken(token))?.id).toBe(family.id);
      expect(await store.findFamilyByToken(uniqueId('nope'))).toBeNull();
      expect((await store.rotate(token, uniqueId('n'), now + HOUR, now + 1)).outcome).toBe('rotated');
    });

    it('tells a live token from a spent one, with its expiry and family, without spending it', async (test) => {
      const store = ctx.stores().refreshTokens;
      // Optional in the interface: a store written before introspection may lack it.
      if (store.findToken === undefined) return test.skip();
      const now = Date.now();
      const family = newFamily(uniqueId('user'), now);
      const [first, second] = [uniqueId('h'), uniqueId('h')];
      await store.createFamily(family, first, now + HOUR);
      expect(await store.findToken(first)).toMatchObject({
        family: { id: family.id, subject: family.subject, revokedAt: null },
        expiresAt: now + HOUR,
        spentAt: null,
      });
      expect(await store.findToken(first)).toMatchObject({ spentAt: null }); // looking spent nothing
      expect((await store.rotate(first, second, now + 2 * HOUR, now + 1000)).outcome).toBe('rotated');
      expect(await store.findToken(first)).toMatchObject({ family: { id: family.id }, spentAt: now + 1000 });
      expect(await store.findToken(second)).toMatchObject({ expiresAt: now + 2 * HOUR, spentAt: null });
      expect(await store.findToken(uniqueId('nope'))).toBeNull();
      await store.revokeFamily(family.id, now + 2000);
      expect((await store.findToken(second))?.family.revokedAt).toBe(now + 2000);
    });
  });
}
