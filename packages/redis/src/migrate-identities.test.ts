import { probeService, uniqueId } from '@portcullis/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisIdentityStore, pairId } from './identity-store.js';
import { migrateRedisIdentities } from './migrate-identities.js';
import { connect, deleteByPrefix, keysUnder, REDIS_URL, uniquePrefix } from './testing/redis.js';

const CLIENT_PREFIX = 'portcullis-test-client:';
const redis = await probeService('Redis', REDIS_URL);

describe.skipIf(!redis.available)('migrateRedisIdentities', () => {
  let plain: Redis;
  let prefixed: Redis;
  let prefix: string;
  beforeAll(async () => {
    plain = await connect();
    prefixed = await connect(REDIS_URL, { keyPrefix: CLIENT_PREFIX });
  });
  afterEach(async () => {
    await Promise.all([deleteByPrefix(plain, prefix), deleteByPrefix(prefixed, prefix)]);
  });
  afterAll(async () => {
    await Promise.all([plain?.quit(), prefixed?.quit()]);
  });

  const identity = (userId: string, createdAt: number) => ({
    issuer: 'https://idp.example.test',
    subject: uniqueId('sub'),
    userId,
    provider: 'oidc',
    email: 'u@example.test',
    createdAt,
  });

  /** Writes an identity as the layout before Redis Cluster support did: pair hash, and the user's set. */
  async function writeOldLayout(client: Redis, record: ReturnType<typeof identity>) {
    const id = pairId(record.issuer, record.subject);
    await client.hset(`${prefix}id:pair:${id}`, { ...record, createdAt: String(record.createdAt) });
    await client.zadd(`${prefix}id:user:${record.userId}`, record.createdAt, id);
  }

  it.each([
    ['a plain client', () => plain, ''],
    ['a client with keyPrefix', () => prefixed, CLIENT_PREFIX],
  ])('moves old identities through %s into the layout the store reads, once', async (_, client, own) => {
    prefix = uniquePrefix();
    const userId = uniqueId('user');
    const [older, newer] = [identity(userId, 1000), identity(userId, 2000)];
    for (const record of [newer, older]) await writeOldLayout(client(), record);
    const store = createRedisIdentityStore(client(), { prefix });
    expect(await store.listByUser(userId)).toEqual([]);

    expect(await migrateRedisIdentities(client(), { prefix })).toEqual({ migrated: 2, conflicts: [] });
    expect(await store.listByUser(userId)).toEqual([older, newer]);
    expect(await store.find(older.issuer, older.subject)).toEqual(older);
    // Only the current layout is left, and a second run finds nothing to do.
    const keys = await keysUnder(plain, `${own}${prefix}`);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(key.startsWith(`${own}${prefix}{${prefix}id}:`)).toBe(true);
    expect(await migrateRedisIdentities(client(), { prefix })).toEqual({ migrated: 0, conflicts: [] });
  });

  it('leaves an old pair the current layout links to another user, and reports it', async () => {
    prefix = uniquePrefix();
    const store = createRedisIdentityStore(plain, { prefix });
    const old = identity(uniqueId('user'), 1000);
    await writeOldLayout(plain, old);
    const current = { ...old, userId: uniqueId('other'), createdAt: 3000 };
    expect(await store.link(current)).toBe(true);

    expect(await migrateRedisIdentities(plain, { prefix })).toEqual({ migrated: 0, conflicts: [old] });
    expect(await store.find(old.issuer, old.subject)).toEqual(current);
    expect(await plain.exists(`${prefix}id:pair:${pairId(old.issuer, old.subject)}`)).toBe(1);
  });
});
