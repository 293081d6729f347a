import { createHash } from 'node:crypto';
import type { IdentityRecord, IdentityStore } from '@portcullis/core/stores';
import { defineScript } from './lib/define-script.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { encodeTime } from './lib/time.js';

// An identity as stored and as the scripts return it: issuer, subject, userId, provider, email, createdAt.
type IdentityReply = [string, string, string, string, string, string];
const FIELDS = ['issuer', 'subject', 'userId', 'provider', 'email', 'createdAt'] as const;

// KEYS = pair, user set; ARGV = pair id, issuer, subject, userId, provider, email, createdAt. Refuses a
// linked pair.
const LINK = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'issuer', ARGV[2], 'subject', ARGV[3], 'userId', ARGV[4], 'provider', ARGV[5],
  'email', ARGV[6], 'createdAt', ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[1])
return 1
`;

// KEYS = pair, user set; ARGV = pair id, userId. Unlinks the pair if it is still linked to that user:
// 1 done, 0 no such pair, -1 linked to another user now (read again and retry).
const UNLINK = `
local user = redis.call('HGET', KEYS[1], 'userId')
if not user then return 0 end
if user ~= ARGV[2] then return -1 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/**
 * The key of an `(issuer, subject)` pair: SHA-256 of its JSON, so that no character either may hold (a
 * separator, a quote, a lone surrogate) can make two pairs share a key, and the key's length is bounded.
 */
export function pairId(issuer: string, subject: string): string {
  return createHash('sha256')
    .update(JSON.stringify([issuer, subject]))
    .digest('base64url');
}

function toRecord([issuer, subject, userId, provider, email, createdAt]: IdentityReply): IdentityRecord {
  return { issuer, subject, userId, provider, email, createdAt: Number(createdAt) };
}

/**
 * The keys of the identity store under `prefix`, all in one hash slot (see `createRedisIdentityStore`).
 */
export function identityKeys(prefix: string) {
  // The tag holds the prefix, so that applications sharing a cluster under their own prefixes do not share
  // a slot; `id` keeps it from being empty (`{}` would hash the whole key).
  const group = `${prefix}{${prefix}id}`;
  return {
    pair: (id: string) => `${group}:pair:${id}`,
    user: (userId: string) => `${group}:user:${userId}`,
  };
}

/**
 * An `IdentityStore` on Redis: a hash per `(issuer, subject)` pair, created by a Lua script only when absent
 * (so of concurrent links of one pair exactly one succeeds), and per user a sorted set of pair ids by
 * `createdAt`. These keys never expire — an identity is who a returning user is — so Redis must persist its
 * data (AOF or RDB) if identities live in it; PostgreSQL is the better home for them.
 *
 * Slots (Redis Cluster): the whole store shares one hash tag, `{<prefix>id}`. A sign-in finds a pair by
 * issuer and subject alone, before any user is known, yet a user's list of pairs must change with the pair
 * in one step: it is what refuses a provider account whose e-mail changed hands, and what a takeover ends
 * links by, so a link missing from it is a hole, not a blemish. Only one slot lets `link` and `unlink` be
 * one script each. Identities change at sign-ins with a provider, not on every request, so that slot is
 * not a hot spot; a deployment with very many identities keeps them in PostgreSQL.
 *
 * Keys: `<prefix>{<prefix>id}:pair:<SHA-256 of the pair, base64url>` (hash),
 * `<prefix>{<prefix>id}:user:<userId>` (sorted set).
 *
 * @example const identities = createRedisIdentityStore(redis, { prefix: 'myapp:' });
 */
export function createRedisIdentityStore(redis: RedisClient, options?: RedisStoresOptions): IdentityStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisIdentityStore');
  const keys = identityKeys(prefix);
  const link = defineScript(redis, 'IdentityLink', 2, LINK);
  const unlink = defineScript(redis, 'IdentityUnlink', 2, UNLINK);
  const read = async (id: string) => {
    const fields = await redis.hmget(keys.pair(id), ...FIELDS);
    return fields.some((value) => value === null) ? null : toRecord(fields as IdentityReply);
  };

  return {
    async find(issuer, subject) {
      const record = await read(pairId(issuer, subject));
      // A digest names the pair; the stored pair must still be the one asked for.
      return record !== null && record.issuer === issuer && record.subject === subject ? record : null;
    },
    async link(record) {
      const id = pairId(record.issuer, record.subject);
      const linked = await link(
        [keys.pair(id), keys.user(record.userId)],
        [
          id,
          record.issuer,
          record.subject,
          record.userId,
          record.provider,
          record.email,
          encodeTime(record.createdAt),
        ],
      );
      return linked === 1;
    },
    async listByUser(userId) {
      // The set and the pairs change together, so every member names a pair of this user; reading them one
      // command each, a pair unlinked meanwhile is skipped.
      const ids = await redis.zrange(keys.user(userId), 0, '-1');
      const records = await Promise.all(ids.map(read));
      return records.filter(
        (record): record is IdentityRecord => record !== null && record.userId === userId,
      );
    },
    async unlink(issuer, subject) {
      const id = pairId(issuer, subject);
      // The script must be given the user's set among its keys, so the user is read first; should the pair
      // have been relinked in between, the script says so and the user is read again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const userId = await redis.hget(keys.pair(id), 'userId');
        if (userId === null) return false;
        const outcome = await unlink([keys.pair(id), keys.user(userId)], [id, userId]);
        if (outcome !== -1) return outcome === 1;
      }
      throw new Error('@portcullis/redis: an identity kept changing hands during unlink');
    },
  };
}
