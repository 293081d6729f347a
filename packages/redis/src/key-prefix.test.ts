import { probeService, uniqueId } from '@portcullis/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { connect, deleteByPrefix, keysUnder, REDIS_URL, uniquePrefix } from './testing/redis.js';

const HOUR = 3_600_000;
const CLIENT_PREFIX = 'portcullis-test-client:';
const redis = await probeService('Redis', REDIS_URL);

// ioredis adds a client's keyPrefix to every key a command or script is given; no script of this package
// builds a key itself (Redis Cluster forbids it), so every key must land under the client's keyPrefix.
describe.skipIf(!redis.available)('keys, through a client with keyPrefix', () => {
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

  it('one-time tokens: a spent token leaves its subject’s hash, and revokeSubject leaves no token', async () => {
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
    const tokensKey = `${CLIENT_PREFIX}${prefix}ott:tokens:${subject}`;
    expect(Object.keys(await plain.hgetall(tokensKey))).toEqual(['verify_email']);
    await stores.oneTimeTokens.revokeSubject(subject);
    expect(await plain.exists(tokensKey)).toBe(0);
    // What is left are the lookups, which expire with their tokens; nothing outside the client's keyPrefix.
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}`)).toEqual(
      [spent, replaced, newer]
        .map((record) => `${CLIENT_PREFIX}${prefix}ott:token-subject:${record.hash}`)
        .sort(),
    );
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
    expect(await plain.zcard(`${CLIENT_PREFIX}${prefix}{${prefix}id}:user:${userId}`)).toBe(1);
    expect(await stores.identities.unlink(identity.issuer, identity.subject)).toBe(true);
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}`)).toEqual([]);
    expect(await keysUnder(plain, prefix)).toEqual([]);
  });

  it('mfa: factors and challenges land under the client’s keyPrefix, and leave nothing once gone', async () => {
    const stores = createRedisStores(prefixed, { prefix });
    const now = Date.now();
    const [userId, key] = [uniqueId('user'), uniqueId('challenge')];
    expect(await stores.mfa!.saveFactors(userId, '{"totp":{}}', 0, now)).toBe(true);
    expect(await stores.mfa!.saveFactors(userId, '{"totp":{"n":2}}', 1, now)).toBe(true);
    await stores.mfa!.putChallenge(key, 'v', now + HOUR);
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}`)).toEqual(
      [
        `${CLIENT_PREFIX}${prefix}mfa:challenge:${key}`,
        `${CLIENT_PREFIX}${prefix}mfa:factors:${userId}`,
      ].sort(),
    );
    expect(await plain.hget(`${CLIENT_PREFIX}${prefix}mfa:factors:${userId}`, 'version')).toBe('2');
    expect(await stores.mfa!.takeChallenge(key, now)).toBe('v');
    await stores.mfa!.deleteFactors(userId);
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}`)).toEqual([]);
    expect(await keysUnder(plain, prefix)).toEqual([]);
  });

  it('refresh families and sessions: every key lands under the client’s keyPrefix', async () => {
    const stores = createRedisStores(prefixed, { prefix });
    const now = Date.now();
    const subject = uniqueId('user');
    const family = {
      id: uniqueId('fam'),
      subject,
      createdAt: now,
      expiresAt: now + HOUR,
      revokedAt: null,
      data: {},
    };
    await stores.refreshTokens.createFamily(family, 't1', now + HOUR);
    expect((await stores.refreshTokens.rotate('t1', 't2', now + HOUR, now + 1)).outcome).toBe('rotated');
    expect(await stores.refreshTokens.revokeSubject(subject, now + 2)).toEqual([family.id]);
    await stores.sessions.create({
      idHash: 's1',
      subject,
      createdAt: now,
      absoluteExpiresAt: now + HOUR,
      idleExpiresAt: now + HOUR,
      data: {},
    });
    expect(await stores.sessions.touch('s1', now + HOUR)).toBe(true);
    const group = `${CLIENT_PREFIX}${prefix}rt:{family:${family.id}}`;
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}`)).toEqual(
      [
        group,
        `${group}:token:t1`,
        `${group}:token:t2`,
        `${CLIENT_PREFIX}${prefix}rt:token-family:t1`,
        `${CLIENT_PREFIX}${prefix}rt:token-family:t2`,
        `${CLIENT_PREFIX}${prefix}rt:families:${subject}`,
        `${CLIENT_PREFIX}${prefix}session:id:s1`,
        `${CLIENT_PREFIX}${prefix}session:subject:${subject}`,
      ].sort(),
    );
    await stores.sessions.deleteBySubject(subject);
    expect(await keysUnder(plain, `${CLIENT_PREFIX}${prefix}session:`)).toEqual([]);
    expect(await keysUnder(plain, prefix)).toEqual([]);
  });
});
