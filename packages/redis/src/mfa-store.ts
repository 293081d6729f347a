import type { MfaStore } from '@portcullis/core/stores';
import { defineScript } from './lib/define-script.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { decodeTime, encodeTime, pxat } from './lib/time.js';

// KEYS = the user's factors; ARGV = expectedVersion, data, updatedAt. Compare-and-set in one script: stores
// the data as the next version only when the stored version (0: no hash) is the expected one.
const SAVE_FACTORS = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', tostring(current + 1), 'data', ARGV[2], 'updatedAt', ARGV[3])
return 1
`;

// KEYS = the challenge; ARGV = value, expiresAt, PXAT time. Replaces whatever was there, expiry included.
const PUT_CHALLENGE = `
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'expiresAt', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
`;

// KEYS = the challenge; ARGV = now. Spends the challenge if it is live at `now` and returns its value;
// otherwise nil, and nothing changes.
const TAKE_CHALLENGE = `
local challenge = redis.call('HMGET', KEYS[1], 'value', 'expiresAt')
if not challenge[1] or not challenge[2] then return false end
if tonumber(challenge[2]) <= tonumber(ARGV[1]) then return false end
redis.call('DEL', KEYS[1])
return challenge[1]
`;

/**
 * An `MfaStore` on Redis. A user's factors are one hash (version, data, updatedAt) saved by compare-and-set
 * on the version in a Lua script, so of any number of concurrent saves at one version, on any app
 * instance, exactly one is stored. A challenge is a hash (value, expiresAt) that expires (PEXPIREAT) at its
 * `expiresAt`; `takeChallenge` checks the expiry against its `now` and deletes it in one script, so exactly
 * one of concurrent takers gets it. Factors never expire: use a persistent Redis (AOF or RDB) if they live
 * here — a lost factor is a second step gone — or take them from `@portcullis/postgres`.
 *
 * Slots (Redis Cluster): no tag — every command and script touches one key, and users and challenges
 * spread over the cluster.
 *
 * Keys: `<prefix>mfa:factors:<userId>` (hash: version, data, updatedAt), `<prefix>mfa:challenge:<key>`
 * (hash: value, expiresAt).
 *
 * @example const mfa = createRedisMfaStore(redis, { prefix: 'myapp:' });
 */
export function createRedisMfaStore(redis: RedisClient, options?: RedisStoresOptions): MfaStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisMfaStore');
  const factorsKey = (userId: string) => `${prefix}mfa:factors:${userId}`;
  const challengeKey = (key: string) => `${prefix}mfa:challenge:${key}`;
  const saveFactors = defineScript(redis, 'MfaSaveFactors', 1, SAVE_FACTORS);
  const putChallenge = defineScript(redis, 'MfaPutChallenge', 1, PUT_CHALLENGE);
  const takeChallenge = defineScript(redis, 'MfaTakeChallenge', 1, TAKE_CHALLENGE);

  return {
    async getFactors(userId) {
      // One HGETALL: the three fields of one save, never a mix of two.
      const { version, data, updatedAt } = await redis.hgetall(factorsKey(userId));
      if (version === undefined && data === undefined && updatedAt === undefined) return null;
      const savedAt = decodeTime(updatedAt);
      // The script writes the three together: a hash missing one was not written by this store.
      if (version === undefined || data === undefined || savedAt === null)
        throw new Error(`@portcullis/redis: the MFA factors of a user are incomplete in Redis`);
      return { userId, version: Number(version), data, updatedAt: savedAt };
    },
    async saveFactors(userId, data, expectedVersion, now) {
      const saved = await saveFactors([factorsKey(userId)], [String(expectedVersion), data, encodeTime(now)]);
      return saved === 1;
    },
    async deleteFactors(userId) {
      await redis.del(factorsKey(userId));
    },
    async putChallenge(key, value, expiresAt) {
      await putChallenge([challengeKey(key)], [value, encodeTime(expiresAt), pxat(expiresAt)]);
    },
    async peekChallenge(key, now) {
      const [value, expiresAt] = await redis.hmget(challengeKey(key), 'value', 'expiresAt');
      const until = decodeTime(expiresAt);
      return value === null || value === undefined || until === null || until <= now ? null : value;
    },
    async takeChallenge(key, now) {
      return (await takeChallenge([challengeKey(key)], [encodeTime(now)])) as string | null;
    },
  };
}
