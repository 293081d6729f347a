import type { AuthUser, UserDirectory } from '@portcullis/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueId } from '../store-suite/context.js';

/** What a user directory hands the suite, and how to dispose of it. */
export interface UserDirectoryFixture {
  users: UserDirectory;
  teardown?: () => Promise<void>;
}

export type UserDirectorySetup = () => Promise<UserDirectoryFixture>;

// No id scheme would give a real user these: not numbers of a sane size, not UUIDs, not anything else.
const MALFORMED_IDS = [
  '',
  'abc',
  '1; DROP TABLE users',
  "1' OR '1'='1",
  '1'.repeat(40),
  '-1',
  '1.5',
  '0x10',
  '00000000-0000-0000-0000-00000000000g',
  'ü🔑',
];
// Well formed for a numeric key and far past any sequence a test reaches.
const UNKNOWN_ID = '999999999999999999';

/** A fresh e-mail per call (lower case: a directory receives normalised addresses). */
const email = () => `${uniqueId('user').toLowerCase()}@example.test`;
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

/**
 * Runs the `UserDirectory` contract suite: every field round-trips, `create` is atomic on the e-mail (20
 * concurrent registrations make one user), unknown and malformed ids are `null` rather than an error, and
 * `update` writes only the patched fields and is a compare-and-set (20 concurrent updates under one
 * precondition apply once). Portcullis never owns the users table: run this against your own
 * implementation over it, with a test database. `setup` is called before each test; the table need not be
 * empty (every test uses fresh e-mail addresses), but the suite leaves its users behind unless `teardown`
 * removes them.
 *
 * @example runUserDirectorySuite('users table', async () => ({ users: createUserDirectory(testPool) }));
 */
export function runUserDirectorySuite(name: string, setup: UserDirectorySetup): void {
  describe(`user directory contract: ${name}`, () => {
    let fixture: UserDirectoryFixture | undefined;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture?.teardown?.();
      fixture = undefined;
    });
    const directory = (): UserDirectory => {
      if (fixture === undefined) throw new Error('user directory suite: setup did not run');
      return fixture.users;
    };
    /** Creates a user that must not fail. */
    const created = async (input: Partial<Omit<AuthUser, 'id'>> = {}): Promise<AuthUser> => {
      const user = await directory().create({
        email: email(),
        passwordHash: HASH,
        role: 'user',
        emailVerified: false,
        ...input,
      });
      if (user === null) throw new Error('user directory suite: create resolved null for a fresh e-mail');
      return user;
    };

    it('creates a user and finds it by id and by e-mail with every field intact', async () => {
      const users = directory();
      for (const input of [
        { email: email(), passwordHash: HASH, role: 'admin', emailVerified: true },
        { email: email(), passwordHash: null, role: 'user', emailVerified: false },
      ]) {
        const user = await users.create(input);
        expect(user).toEqual({ ...input, id: expect.any(String) });
        expect(user!.id).not.toBe('');
        expect(await users.findById(user!.id)).toEqual(user);
        expect(await users.findByEmail(input.email)).toEqual(user);
      }
      expect(await users.findByEmail(email())).toBeNull();
    });

    it('refuses a taken e-mail and leaves its user as it was', async () => {
      const users = directory();
      const user = await created();
      const again = { email: user.email, passwordHash: null, role: 'admin', emailVerified: true };
      expect(await users.create(again)).toBeNull();
      expect(await users.findByEmail(user.email)).toEqual(user);
    });

    it('makes exactly one user of 20 concurrent registrations of one e-mail', async () => {
      const users = directory();
      const address = email();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          users.create({ email: address, passwordHash: `${HASH}${i}`, role: 'user', emailVerified: false }),
        ),
      );
      const winners = results.filter((user) => user !== null);
      expect(winners).toHaveLength(1);
      expect(await users.findByEmail(address)).toEqual(winners[0]);
    });

    it('finds nobody by an unknown or malformed id, and never throws for one', async () => {
      const users = directory();
      await created();
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) expect(await users.findById(id)).toBeNull();
      expect(await users.findByEmail("' OR '1'='1")).toBeNull();
    });

    it('updates only the given fields', async () => {
      const users = directory();
      const user = await created({ role: 'user', emailVerified: false });
      const verified = { ...user, emailVerified: true };
      expect(await users.update(user.id, { emailVerified: true })).toEqual(verified);
      expect(await users.findById(user.id)).toEqual(verified);
      const promoted = { ...verified, role: 'admin' };
      expect(await users.update(user.id, { role: 'admin' })).toEqual(promoted);
      const rehashed = { ...promoted, passwordHash: `${HASH}-new` };
      expect(await users.update(user.id, { passwordHash: rehashed.passwordHash })).toEqual(rehashed);
      expect(await users.findById(user.id)).toEqual(rehashed);
      expect(await users.findByEmail(user.email)).toEqual(rehashed);
    });

    it('removes the password hash when a patch sets it to null', async () => {
      const users = directory();
      const user = await created();
      expect(await users.update(user.id, { passwordHash: null })).toEqual({ ...user, passwordHash: null });
      expect((await users.findById(user.id))?.passwordHash).toBeNull();
    });

    it('applies an update whose precondition holds', async () => {
      const users = directory();
      const user = await created({ emailVerified: false });
      const patch = { passwordHash: `${HASH}-new`, emailVerified: true };
      const expected = { passwordHash: HASH, emailVerified: false };
      expect(await users.update(user.id, patch, expected)).toEqual({ ...user, ...patch });
      expect(await users.findById(user.id)).toEqual({ ...user, ...patch });
    });

    it('refuses an update whose precondition fails, and writes nothing', async () => {
      const users = directory();
      const user = await created({ emailVerified: false });
      const patch = { passwordHash: null, emailVerified: true, role: 'admin' };
      for (const expected of [
        { passwordHash: `${HASH}-other` },
        { passwordHash: null },
        { emailVerified: true },
        // One field holds, the other does not.
        { passwordHash: HASH, emailVerified: true },
      ]) {
        expect(await users.update(user.id, patch, expected)).toBeNull();
        expect(await users.findById(user.id)).toEqual(user);
      }
    });

    it('matches a null password hash in a precondition only to a user without one', async () => {
      const users = directory();
      const withPassword = await created();
      const oauthOnly = await created({ passwordHash: null });
      expect(await users.update(withPassword.id, { emailVerified: true }, { passwordHash: null })).toBeNull();
      expect(await users.update(oauthOnly.id, { passwordHash: HASH }, { passwordHash: null })).toEqual({
        ...oauthOnly,
        passwordHash: HASH,
      });
      // Now it has one: the same compare-and-set no longer applies.
      expect(
        await users.update(oauthOnly.id, { passwordHash: `${HASH}-2` }, { passwordHash: null }),
      ).toBeNull();
      expect((await users.findById(oauthOnly.id))?.passwordHash).toBe(HASH);
      expect(await users.findById(withPassword.id)).toEqual(withPassword);
    });

    it('applies exactly one of 20 concurrent updates made under one precondition', async () => {
      const users = directory();
      const user = await created();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          users.update(user.id, { passwordHash: `${HASH}-${i}` }, { passwordHash: HASH }),
        ),
      );
      const applied = results.filter((result) => result !== null);
      expect(applied).toHaveLength(1);
      expect(await users.findById(user.id)).toEqual(applied[0]);
      expect(applied[0]?.passwordHash).not.toBe(HASH);
    });

    it('updates nobody by an unknown or malformed id', async () => {
      const users = directory();
      const user = await created();
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
        expect(await users.update(id, { role: 'admin' })).toBeNull();
        expect(await users.update(id, { passwordHash: null }, { passwordHash: HASH })).toBeNull();
      }
      expect(await users.findById(user.id)).toEqual(user);
    });
  });
}
