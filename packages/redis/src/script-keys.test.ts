import { probeService, uniqueId } from '@portcullis/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { connect, deleteByPrefix, keysUnder, REDIS_URL, uniquePrefix } from './test-redis.js';

const HOUR = 3_600_000;
const CLIENT_PREFIX = 'portcullis-test-client:';
const redis = await probeService('Redis', REDIS_URL);

// ioredis adds a client's keyPrefix to the keys of commands, not to keys a Lua script builds from what it
// read: a script that forgot it would read or clean up a key outside the store's prefix.
describe.skipIf(!redis.available)('keys a script builds, through a client with keyPrefix', () => {
  let plain: Redis;
  let prefixed: Redis;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    plain = await connect();
    prefixed = await connect(REDIS_URL, { keyPrefix: CLIENT_PREFIX });
  });
  afterEach(async () => {
    await deleteByPrefix(prefixed, prefix);
  });
  afterAll(async () => {
    await Promise.all([plain?.quit(), prefixed?.quit()]);
  });

  it('one-time tokens: a spent token leaves its subject index, and revokeSubject leaves nothing', async () => {
    const stores = createRedisStores(prefixed, { prefix });
    const now = Date.now();
    const subject = uniqueId('user');
    const token = (purpose: 'verify_email' | 'reset_password') => ({
      hash: uniqueId('ott'),
      purpose,
      subject,
      email: 'u@example.test',
      createdAt: now,
      expiresAt: now + HOUR,
    });
    const [spent, replaced, newer] = [token('reset_password'), token('verify_email'), token('verify_email')];
    for (const record of [spent, replaced, newer]) await stores.oneTimeTokens.issue(record);
    expect(await stores.oneTimeTokens.consume(spent.hash, 'reset_password', now)).toEqual(spent);
    const subjectKey = `${CLIENT_PREFIX}${prefix}ott:subject:${subject}`;
    expect(await plain.hgetall(subjectKey)).toEqual({ verify_email: newer.hash });
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}ott:token:`)).toEqual([
      `${CLIENT_PREFIX}${prefix}ott:token:${newer.hash}`,
    ]);
    await stores.oneTimeTokens.revokeSubject(subject);
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}`)).toEqual([]);
    expect(await keysUnder(plain, prefix)).toEqual([]);
  });

  it('identities: unlink removes the pair from its user set, and leaves nothing', async () => {
    const stores = createRedisStores(prefixed, { prefix });
    const userId = uniqueId('user');
    const identity = {
      issuer: 'https://idp.example.test',
      subject: uniqueId('sub'),
      userId,
      provider: 'oidc',
      email: 'u@example.test',
      createdAt: Date.now(),
    };
    expect(await stores.identities.link(identity)).toBe(true);
    expect(await stores.identities.listByUser(userId)).toEqual([identity]);
    expect(await plain.zcard(`${CLIENT_PREFIX}${prefix}id:user:${userId}`)).toBe(1);
    expect(await stores.identities.unlink(identity.issuer, identity.subject)).toBe(true);
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}`)).toEqual([]);
    expect(await keysUnder(plain, prefix)).toEqual([]);
  });
});
