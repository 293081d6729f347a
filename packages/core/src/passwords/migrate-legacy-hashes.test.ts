import { hash as bcryptHash } from '@node-rs/bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryUserDirectory, type UserDirectory } from '../auth/user-directory.js';
import { AuthError } from '../errors/auth-error.js';
import { authFixture } from '../testing/auth.js';
import { FAST_ARGON2 } from '../testing/passwords.js';
import { migrateLegacyBcryptHashes, type StoredPasswordHash } from './migrate-legacy-hashes.js';
import { createPasswordHasher } from './password-hasher.js';

const PASSWORD = 'legacy-system-passphrase';
const hasher = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { minCost: 4 } });

/** A users table holding every kind of stored hash; resolves the directory and the ids by kind. */
async function legacyTable() {
  const users = createMemoryUserDirectory();
  const legacy = await bcryptHash(PASSWORD, { cost: 4 });
  const kinds = {
    bcrypt2b: legacy,
    bcrypt2a: await bcryptHash(PASSWORD, { cost: 4, version: '2a' }),
    bcrypt2y: await bcryptHash(PASSWORD, { cost: 4, version: '2y' }),
    argon2id: await hasher.hash(PASSWORD),
    oauthOnly: null,
    bcrypt2x: `$2x$${legacy.slice(4)}`,
    malformed: '$2b$12$short',
  };
  const ids: Record<string, string> = {};
  for (const [kind, passwordHash] of Object.entries(kinds)) {
    const user = await users.create({
      email: `${kind}@example.com`,
      passwordHash,
      role: 'user',
      emailVerified: true,
    });
    ids[kind] = user!.id;
  }
  /** Reads the table as an app would page through it. */
  async function* rows(): AsyncIterable<StoredPasswordHash> {
    for (const id of Object.values(ids)) {
      const user = await users.findById(id);
      if (user !== null) yield { id: user.id, passwordHash: user.passwordHash };
    }
  }
  const snapshot = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(ids).map(async ([kind, id]) => [kind, (await users.findById(id))!.passwordHash]),
      ),
    );
  return { users, ids, rows, snapshot };
}

describe('migrateLegacyBcryptHashes', () => {
  it('wraps every bcrypt hash bcrypt would verify, and leaves every other hash as it is', async () => {
    const { users, ids, rows, snapshot } = await legacyTable();
    const before = await snapshot();
    const refused: string[] = [];
    const report = await migrateLegacyBcryptHashes({
      passwords: hasher,
      users: rows(),
      directory: users,
      onRefused: (id) => refused.push(id),
    });
    expect(report).toEqual({ wrapped: 3, passedOver: 2, refused: 2, changedMeanwhile: 0 });
    expect(refused).toEqual([ids['bcrypt2x'], ids['malformed']]);
    const after = await snapshot();
    for (const kind of ['bcrypt2b', 'bcrypt2a', 'bcrypt2y']) {
      expect(after[kind]).toMatch(
        /^\$argon2id-bcrypt\$2[aby]\$04\$[./A-Za-z0-9]{22}\$argon2id\$v=19\$m=512,t=1,p=1\$/,
      );
      expect(after[kind]).not.toContain(before[kind].slice(29));
      await expect(hasher.verify(after[kind], PASSWORD)).resolves.toMatchObject({
        valid: true,
        needsRehash: true,
      });
      expect((await hasher.verify(after[kind], 'legacy-system-passphrasf')).valid).toBe(false);
    }
    for (const kind of ['argon2id', 'oauthOnly', 'bcrypt2x', 'malformed'])
      expect(after[kind]).toBe(before[kind]);
  });

  it('changes nothing when run again', async () => {
    const { users, rows, snapshot } = await legacyTable();
    await migrateLegacyBcryptHashes({ passwords: hasher, users: rows(), directory: users });
    const once = await snapshot();
    const update = vi.spyOn(users, 'update');
    const again = await migrateLegacyBcryptHashes({ passwords: hasher, users: rows(), directory: users });
    expect(again).toEqual({ wrapped: 0, passedOver: 5, refused: 2, changedMeanwhile: 0 });
    expect(update).not.toHaveBeenCalled();
    expect(await snapshot()).toEqual(once);
  });

  it('leaves a hash a login upgraded between reading and writing to that login', async () => {
    const { users, ids, snapshot } = await legacyTable();
    const stale = await snapshot(); // read before the login
    const login = await hasher.verify(stale['bcrypt2b'], PASSWORD);
    if (!login.needsRehash) throw new Error('expected an upgrade');
    await users.update(
      ids['bcrypt2b']!,
      { passwordHash: login.newHash },
      { passwordHash: stale['bcrypt2b'] },
    );
    const report = await migrateLegacyBcryptHashes({
      passwords: hasher,
      users: [{ id: ids['bcrypt2b']!, passwordHash: stale['bcrypt2b'] }],
      directory: users,
    });
    expect(report).toEqual({ wrapped: 0, passedOver: 0, refused: 0, changedMeanwhile: 1 });
    expect((await users.findById(ids['bcrypt2b']!))?.passwordHash).toBe(login.newHash);
  });

  it('waits while the hasher is busy instead of failing, and takes a plain callback as directory', async () => {
    const legacy = await bcryptHash(PASSWORD, { cost: 4 });
    let calls = 0;
    const busyOnce = {
      async wrapLegacyBcryptHash(hash: string) {
        calls++;
        if (calls === 1) throw new AuthError('temporarily_unavailable', 'busy', { retryAfter: 0.01 });
        return hasher.wrapLegacyBcryptHash(hash);
      },
    };
    const written: string[] = [];
    const report = await migrateLegacyBcryptHashes({
      passwords: busyOnce,
      users: [{ id: 'u1', passwordHash: legacy }],
      directory: {
        update: async (_id, patch) => {
          written.push(patch.passwordHash);
          return {};
        },
      },
    });
    expect(report).toMatchObject({ wrapped: 1 });
    expect(calls).toBe(2);
    expect(written[0]).toMatch(/^\$argon2id-bcrypt\$/);
  });

  it('lets a migrated account log in, and replaces its wrapped hash with a plain argon2id one', async () => {
    const { call, users, auth } = await authFixture({
      passwords: { argon2: FAST_ARGON2, bcrypt: { minCost: 4 } },
    });
    const created = await users.create({
      email: 'legacy@example.com',
      passwordHash: await bcryptHash(PASSWORD, { cost: 4 }),
      role: 'user',
      emailVerified: true,
    });
    const directory: UserDirectory = users;
    await migrateLegacyBcryptHashes({
      passwords: auth.passwords,
      users: [{ id: created!.id, passwordHash: created!.passwordHash }],
      directory,
    });
    const wrapped = (await users.findById(created!.id))?.passwordHash;
    expect(wrapped).toMatch(/^\$argon2id-bcrypt\$/);

    const wrong = await call('POST', '/auth/login', {
      body: { email: 'legacy@example.com', password: 'not-it-at-all' },
    });
    expect(wrong.status).toBe(401);
    expect((await users.findById(created!.id))?.passwordHash).toBe(wrapped);

    const login = await call('POST', '/auth/login', {
      body: { email: 'legacy@example.com', password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const upgraded = (await users.findById(created!.id))?.passwordHash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$/);
    expect(auth.passwords.needsRehash(upgraded!)).toBe(false);
    expect(
      (await call('POST', '/auth/login', { body: { email: 'legacy@example.com', password: PASSWORD } }))
        .status,
    ).toBe(200);
    expect((await users.findById(created!.id))?.passwordHash).toBe(upgraded);
  });
});
