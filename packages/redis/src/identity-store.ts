import { createHash } from 'node:crypto';
import type { IdentityRecord, IdentityStore } from '@portcullis/core';
import type { Redis } from 'ioredis';
import { defineScript } from './lib/define-script.js';
import { type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
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

// KEYS = user set; ARGV = pair key prefix, userId. The user's identities, oldest first.
const LIST_BY_USER = `
local identities = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local f = redis.call('HMGET', ARGV[1] .. id, 'issuer', 'subject', 'userId', 'provider', 'email', 'createdAt')
  if f[3] == ARGV[2] then identities[#identities + 1] = f end
end
return identities
`;

// KEYS = pair; ARGV = user set prefix, pair id.
const UNLINK = `
local user = redis.call('HGET', KEYS[1], 'userId')
if not user then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[1] .. user, ARGV[2])
return 1
`;

/**
 * The key of an `(issuer, subject)` pair: SHA-256 of its JSON, so that no character either may hold (a
 * separator, a quote, a lone surrogate) can make two pairs share a key, and the key's length is bounded.
 */
function pairId(issuer: string, subject: string): string {
  return createHash('sha256')
    .update(JSON.stringify([issuer, subject]))
    .digest('base64url');
}

function toRecord([issuer, subject, userId, provider, email, createdAt]: IdentityReply): IdentityRecord {
  return { issuer, subject, userId, provider, email, createdAt: Number(createdAt) };
}

/**
 * An `IdentityStore` on Redis: a hash per `(issuer, subject)` pair, created by a Lua script only when absent
 * (so of concurrent links of one pair exactly one succeeds), and per user a sorted set of pair ids by
 * `createdAt`. These keys never expire — an identity is who a returning user is — so Redis must persist its
 * data (AOF or RDB) if identities live in it; PostgreSQL is the better home for them.
 *
 * Keys: `<prefix>id:pair:<SHA-256 of the pair, base64url>` (hash), `<prefix>id:user:<userId>` (sorted set).
 *
 * @example const identities = createRedisIdentityStore(redis, { prefix: 'myapp:' });
 */
export function createRedisIdentityStore(redis: Redis, options?: RedisStoresOptions): IdentityStore {
  const { prefix, scriptPrefix } = resolveOptions(redis, options);
  const pairKey = (id: string) => `${prefix}id:pair:${id}`;
  const userKey = (userId: string) => `${prefix}id:user:${userId}`;
  const link = defineScript(redis, 'IdentityLink', 2, LINK);
  const listByUser = defineScript(redis, 'IdentityListByUser', 1, LIST_BY_USER);
  const unlink = defineScript(redis, 'IdentityUnlink', 1, UNLINK);

  return {
    async find(issuer, subject) {
      const fields = await redis.hmget(pairKey(pairId(issuer, subject)), ...FIELDS);
      if (fields.some((value) => value === null)) return null;
      const record = toRecord(fields as IdentityReply);
      // A digest names the pair; the stored pair must still be the one asked for.
      return record.issuer === issuer && record.subject === subject ? record : null;
    },
    async link(record) {
      const id = pairId(record.issuer, record.subject);
      const linked = await link(
        [pairKey(id), userKey(record.userId)],
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
      const identities = (await listByUser(
        [userKey(userId)],
        [`${scriptPrefix}id:pair:`, userId],
      )) as IdentityReply[];
      return identities.map(toRecord);
    },
    async unlink(issuer, subject) {
      const id = pairId(issuer, subject);
      return (await unlink([pairKey(id)], [`${scriptPrefix}id:user:`, id])) === 1;
    },
  };
}
