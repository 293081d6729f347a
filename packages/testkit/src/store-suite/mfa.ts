import type { MfaFactorsRecord, MfaStore } from '@portcullis/core/stores';
import { describe, expect, it, type TestContext } from 'vitest';
import { HOUR, type StoreSuiteContext, uniqueId } from './context.js';

/** A factors document as core would write it: JSON text, opaque to the store. */
const factors = (marker: string) => JSON.stringify({ totp: { sealed: marker }, recoveryCodes: [marker] });

/**
 * A record with its `data` parsed: a store keeps the document, not its exact text (PostgreSQL's `jsonb`
 * hands it back with its own spacing and key order).
 */
const parsed = (record: MfaFactorsRecord | null) =>
  record === null ? null : { ...record, data: JSON.parse(record.data) as unknown };

/**
 * Second factors and their ceremonies' challenges: factors saved by compare-and-set on their version (one
 * winner among concurrent writers), challenges spent once, atomically, and judged expired by the caller's
 * `now`. Skipped for a store set without `mfa` (optional in `AuthStores`).
 */
export function mfaSuite(ctx: StoreSuiteContext): void {
  // `mfa` is optional in `AuthStores`: a store set without it skips this part rather than failing it.
  const mfa = (t: TestContext): MfaStore => ctx.stores().mfa ?? t.skip('this store set has no mfa store');

  describe('mfa', () => {
    describe('factors', () => {
      it('stores the first save as version 1 and hands it back as saved; other users have none', async (t) => {
        const store = mfa(t);
        const [userId, other] = [uniqueId('user'), uniqueId('user')];
        const now = Date.now();
        expect(await store.getFactors(userId)).toBeNull();
        const data = factors('a');
        expect(await store.saveFactors(userId, data, 0, now)).toBe(true);
        expect(parsed(await store.getFactors(userId))).toEqual({
          userId,
          version: 1,
          data: JSON.parse(data),
          updatedAt: now,
        });
        expect(await store.getFactors(other)).toBeNull();
      });

      it('keeps the document intact: nested values, Unicode, quotes and backslashes', async (t) => {
        const store = mfa(t);
        const userId = uniqueId('user');
        const data = JSON.stringify({
          passkeys: [{ id: 'cred-1', publicKey: 'pQECAyYgASFYIA', counter: 7, transports: ['usb', 'nfc'] }],
          recoveryCodes: ['$argon2id$v=19$m=19456,t=2,p=1$abc$def'],
          label: 'Zoë’s key \u2603 "quoted" \\ back',
        });
        expect(await store.saveFactors(userId, data, 0, Date.now())).toBe(true);
        const stored = await store.getFactors(userId);
        expect(typeof stored?.data).toBe('string');
        expect(JSON.parse(stored!.data)).toEqual(JSON.parse(data));
      });

      it('increments the version at every save, and records the moment of the last one', async (t) => {
        const store = mfa(t);
        const userId = uniqueId('user');
        const now = Date.now();
        expect(await store.saveFactors(userId, factors('v1'), 0, now)).toBe(true);
        expect(await store.saveFactors(userId, factors('v2'), 1, now + 1000)).toBe(true);
        expect(await store.saveFactors(userId, factors('v3'), 2, now + 2000)).toBe(true);
        expect(parsed(await store.getFactors(userId))).toEqual({
          userId,
          version: 3,
          data: JSON.parse(factors('v3')),
          updatedAt: now + 2000,
        });
      });

      it('refuses a save at a stale or future version, and changes nothing', async (t) => {
        const store = mfa(t);
        const userId = uniqueId('user');
        const now = Date.now();
        expect(await store.saveFactors(userId, factors('v1'), 0, now)).toBe(true);
        expect(await store.saveFactors(userId, factors('v2'), 1, now + 1000)).toBe(true);
        const saved = await store.getFactors(userId);

        expect(await store.saveFactors(userId, factors('stale-0'), 0, now + 2000)).toBe(false);
        expect(await store.saveFactors(userId, factors('stale-1'), 1, now + 2000)).toBe(false);
        expect(await store.saveFactors(userId, factors('future'), 3, now + 2000)).toBe(false);
        expect(await store.getFactors(userId)).toEqual(saved);

        // Nothing stored yet: only version 0 is current.
        const fresh = uniqueId('user');
        expect(await store.saveFactors(fresh, factors('x'), 1, now)).toBe(false);
        expect(await store.getFactors(fresh)).toBeNull();
      });

      it('lets exactly one of 20 concurrent first saves win, and keeps the winner’s data', async (t) => {
        const store = mfa(t);
        const userId = uniqueId('user');
        const now = Date.now();
        const documents = Array.from({ length: 20 }, (_, i) => factors(`first-${i}`));
        const results = await Promise.all(documents.map((data) => store.saveFactors(userId, data, 0, now)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(parsed(await store.getFactors(userId))).toEqual({
          userId,
          version: 1,
          data: JSON.parse(documents[results.indexOf(true)]!),
          updatedAt: now,
        });
      });

      it('lets exactly one of 20 concurrent saves at one version win (a recovery code spent once)', async (t) => {
        const store = mfa(t);
        const userId = uniqueId('user');
        const now = Date.now();
        expect(await store.saveFactors(userId, factors('v1'), 0, now)).toBe(true);
        expect(await store.saveFactors(userId, factors('v2'), 1, now)).toBe(true);
        const documents = Array.from({ length: 20 }, (_, i) => factors(`spent-${i}`));
        const results = await Promise.all(
          documents.map((data) => store.saveFactors(userId, data, 2, now + 1000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(parsed(await store.getFactors(userId))).toEqual({
          userId,
          version: 3,
          data: JSON.parse(documents[results.indexOf(true)]!),
          updatedAt: now + 1000,
        });
      });

      it('deletes every factor of a user, and nobody else’s; a new enrolment starts at version 1', async (t) => {
        const store = mfa(t);
        const now = Date.now();
        const userId = uniqueId('user');
        // A user whose id extends the deleted one's must not be caught by it.
        const longer = `${userId}:2`;
        for (const id of [userId, longer]) {
          expect(await store.saveFactors(id, factors(id), 0, now)).toBe(true);
          expect(await store.saveFactors(id, factors(`${id}-2`), 1, now)).toBe(true);
        }
        await store.deleteFactors(userId);
        await store.deleteFactors(uniqueId('nobody'));
        expect(await store.getFactors(userId)).toBeNull();
        expect((await store.getFactors(longer))?.version).toBe(2);

        expect(await store.saveFactors(userId, factors('again'), 2, now + 1000)).toBe(false);
        expect(await store.saveFactors(userId, factors('again'), 0, now + 1000)).toBe(true);
        expect(parsed(await store.getFactors(userId))).toMatchObject({
          version: 1,
          data: JSON.parse(factors('again')),
        });
      });
    });

    describe('challenges', () => {
      it('peeks a live challenge without spending it, then takes it once', async (t) => {
        const store = mfa(t);
        const now = Date.now();
        const key = uniqueId('challenge');
        const value = JSON.stringify({ userId: uniqueId('user'), challenge: 'q2x…' });
        await store.putChallenge(key, value, now + HOUR);
        expect(await store.peekChallenge(key, now)).toBe(value);
        expect(await store.peekChallenge(key, now + 1)).toBe(value);
        expect(await store.takeChallenge(key, now + 2)).toBe(value);
        expect(await store.takeChallenge(key, now + 3)).toBeNull();
        expect(await store.peekChallenge(key, now + 3)).toBeNull();
        expect(await store.peekChallenge(uniqueId('missing'), now)).toBeNull();
        expect(await store.takeChallenge(uniqueId('missing'), now)).toBeNull();
      });

      it('resolves null for a challenge expired at `now`, from peek and take alike', async (t) => {
        const store = mfa(t);
        const now = Date.now();
        const key = uniqueId('challenge');
        const expiresAt = now + HOUR;
        await store.putChallenge(key, 'v', expiresAt);
        expect(await store.peekChallenge(key, expiresAt)).toBeNull();
        expect(await store.takeChallenge(key, expiresAt)).toBeNull();
        expect(await store.peekChallenge(key, expiresAt + HOUR)).toBeNull();
        expect(await store.takeChallenge(key, expiresAt + HOUR)).toBeNull();
        // Judged by the caller's clock: one ms earlier it is still live, and the refusals did not spend it.
        expect(await store.takeChallenge(key, expiresAt - 1)).toBe('v');
      });

      it('resolves null for a challenge whose expiry has passed by the clock too', async (t) => {
        const store = mfa(t);
        const key = uniqueId('challenge');
        await store.putChallenge(key, 'short', Date.now() + 50);
        await new Promise((resolve) => setTimeout(resolve, 120));
        expect(await store.peekChallenge(key, Date.now())).toBeNull();
        expect(await store.takeChallenge(key, Date.now())).toBeNull();
      });

      it('replaces the value under a key, with its new expiry', async (t) => {
        const store = mfa(t);
        const now = Date.now();
        const key = uniqueId('challenge');
        await store.putChallenge(key, 'first', now + HOUR);
        await store.putChallenge(key, 'second', now + 2 * HOUR);
        expect(await store.peekChallenge(key, now + HOUR + 1)).toBe('second');
        expect(await store.takeChallenge(key, now + HOUR + 1)).toBe('second');
        expect(await store.takeChallenge(key, now + HOUR + 1)).toBeNull();

        // A put after a take makes the key live again, with the new value only.
        await store.putChallenge(key, 'third', now + HOUR);
        expect(await store.takeChallenge(key, now)).toBe('third');
      });

      it('keeps different keys apart', async (t) => {
        const store = mfa(t);
        const now = Date.now();
        const [a, b] = [uniqueId('challenge'), uniqueId('challenge')];
        await store.putChallenge(a, 'a', now + HOUR);
        await store.putChallenge(b, 'b', now + HOUR);
        expect(await store.takeChallenge(a, now)).toBe('a');
        expect(await store.peekChallenge(b, now)).toBe('b');
        expect(await store.takeChallenge(b, now)).toBe('b');
      });

      it('lets exactly one of 20 concurrent takes of one challenge have the value', async (t) => {
        const store = mfa(t);
        const now = Date.now();
        const key = uniqueId('challenge');
        await store.putChallenge(key, 'once', now + HOUR);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.takeChallenge(key, now + 1)),
        );
        expect(results.filter((result) => result !== null)).toEqual(['once']);
        expect(await store.peekChallenge(key, now + 1)).toBeNull();
      });
    });
  });
}
