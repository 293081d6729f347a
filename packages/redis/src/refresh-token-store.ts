import type { RefreshFamily, RefreshTokenStore } from '@portcullis/core';
import type { Redis } from 'ioredis';
import { defineScript } from './lib/define-script.js';
import { LUA_HELPERS } from './lib/lua.js';
import { type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { decodeTime, encodeTime } from './lib/time.js';

// A family as the scripts return it: id, subject, createdAt, expiresAt, revokedAt ('' for none), data.
type FamilyReply = [string, string, string, string, string, string];

// KEYS = family, first token, subject set;
// ARGV = familyId, subject, createdAt, expiresAt, revokedAt ('' for none), data, tokenExpiresAt.
const CREATE_FAMILY = `${LUA_HELPERS}
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'subject', ARGV[2], 'createdAt', ARGV[3], 'expiresAt', ARGV[4], 'data', ARGV[6])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'revokedAt', ARGV[5]) end
redis.call('PEXPIREAT', KEYS[1], ms(ARGV[4]))
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'family', ARGV[1], 'expiresAt', ARGV[7])
redis.call('PEXPIREAT', KEYS[2], ms(ARGV[4]))
track(KEYS[3], ARGV[1], ARGV[4])
return 1
`;

// KEYS = presented token, next token; ARGV = now, nextExpiresAt, family key prefix.
// Returns {outcome, <family>}. The whole check-and-spend runs inside Redis, so it is atomic: of concurrent
// calls with one live token exactly one sees it unspent. A token key expires with its family (not with the
// token), so that a spent token is still recognised as reuse for as long as the family could be used.
const ROTATE = `${LUA_HELPERS}
local t = redis.call('HMGET', KEYS[1], 'family', 'expiresAt', 'spentAt')
if not t[1] then return {'invalid'} end
local family_key = ARGV[3] .. t[1]
local f = redis.call('HMGET', family_key, 'subject', 'createdAt', 'expiresAt', 'revokedAt', 'data')
if not f[3] then return {'invalid'} end
local now = tonumber(ARGV[1])
if f[4] or tonumber(f[3]) <= now then return {'invalid'} end
if t[3] then
  redis.call('HSET', family_key, 'revokedAt', ARGV[1])
  return {'reused', t[1], f[1], f[2], f[3], ARGV[1], f[5]}
end
if tonumber(t[2]) <= now then return {'invalid'} end
redis.call('HSET', KEYS[1], 'spentAt', ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'family', t[1], 'expiresAt', ARGV[2])
redis.call('PEXPIREAT', KEYS[2], ms(f[3]))
return {'rotated', t[1], f[1], f[2], f[3], '', f[5]}
`;

// KEYS = token; ARGV = family key prefix. Returns the token's family, or nil.
const FIND_BY_TOKEN = `
local id = redis.call('HGET', KEYS[1], 'family')
if not id then return false end
local f = redis.call('HMGET', ARGV[1] .. id, 'subject', 'createdAt', 'expiresAt', 'revokedAt', 'data')
if not f[3] then return false end
return {id, f[1], f[2], f[3], f[4] or '', f[5]}
`;

// KEYS = family; ARGV = now. Keeps the first revocation time.
const REVOKE_FAMILY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSETNX', KEYS[1], 'revokedAt', ARGV[1])
return 1
`;

// KEYS = subject set; ARGV = now, family key prefix, subject. Revokes the subject's live families, drops
// members whose family has gone, and returns the ids it revoked.
const REVOKE_SUBJECT = `
local now = tonumber(ARGV[1])
local revoked = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local family_key = ARGV[2] .. id
  local f = redis.call('HMGET', family_key, 'subject', 'expiresAt', 'revokedAt')
  if not f[2] then
    redis.call('ZREM', KEYS[1], id)
  elseif f[1] == ARGV[3] and not f[3] and tonumber(f[2]) > now then
    redis.call('HSET', family_key, 'revokedAt', ARGV[1])
    revoked[#revoked + 1] = id
  end
end
return revoked
`;

function toFamily(reply: FamilyReply): RefreshFamily {
  const [id, subject, createdAt, expiresAt, revokedAt, data] = reply;
  return {
    id,
    subject,
    createdAt: Number(createdAt),
    expiresAt: Number(expiresAt),
    revokedAt: decodeTime(revokedAt),
    data: JSON.parse(data) as Record<string, unknown>,
  };
}

/**
 * A `RefreshTokenStore` on Redis. Rotation is one Lua script (EVALSHA): reading the token and its family,
 * spending the token, storing the next one and — on reuse — revoking the family happen atomically, so of any
 * number of concurrent rotations of one token, from any number of connections, exactly one succeeds. Every
 * key of a family expires (PEXPIREAT) with the family; `rotate` also judges expiry against its `now`.
 *
 * Keys: `<prefix>rt:token:<tokenHash>` (hash: family, expiresAt, spentAt), `<prefix>rt:family:<id>` (hash:
 * subject, createdAt, expiresAt, revokedAt, data), `<prefix>rt:subject:<subject>` (sorted set of family ids,
 * for `revokeSubject`).
 *
 * @example const refreshTokens = createRedisRefreshTokenStore(redis);
 */
export function createRedisRefreshTokenStore(redis: Redis, options?: RedisStoresOptions): RefreshTokenStore {
  const { prefix, scriptPrefix } = resolveOptions(redis, options);
  const tokenKey = (hash: string) => `${prefix}rt:token:${hash}`;
  const familyKey = (id: string) => `${prefix}rt:family:${id}`;
  const subjectKey = (subject: string) => `${prefix}rt:subject:${subject}`;
  const familyKeyPrefix = `${scriptPrefix}rt:family:`;
  const createFamily = defineScript(redis, 'RefreshCreateFamily', 3, CREATE_FAMILY);
  const rotate = defineScript(redis, 'RefreshRotate', 2, ROTATE);
  const findByToken = defineScript(redis, 'RefreshFindByToken', 1, FIND_BY_TOKEN);
  const revokeFamily = defineScript(redis, 'RefreshRevokeFamily', 1, REVOKE_FAMILY);
  const revokeSubject = defineScript(redis, 'RefreshRevokeSubject', 1, REVOKE_SUBJECT);

  return {
    async createFamily(family, firstTokenHash, tokenExpiresAt) {
      await createFamily(
        [familyKey(family.id), tokenKey(firstTokenHash), subjectKey(family.subject)],
        [
          family.id,
          family.subject,
          encodeTime(family.createdAt),
          encodeTime(family.expiresAt),
          family.revokedAt === null ? '' : encodeTime(family.revokedAt),
          JSON.stringify(family.data),
          encodeTime(tokenExpiresAt),
        ],
      );
    },
    async rotate(tokenHash, nextTokenHash, nextExpiresAt, now) {
      const [outcome, ...family] = (await rotate(
        [tokenKey(tokenHash), tokenKey(nextTokenHash)],
        [encodeTime(now), encodeTime(nextExpiresAt), familyKeyPrefix],
      )) as ['rotated' | 'reused' | 'invalid', ...FamilyReply];
      return outcome === 'invalid' ? { outcome } : { outcome, family: toFamily(family) };
    },
    async findFamilyByToken(tokenHash) {
      const reply = (await findByToken([tokenKey(tokenHash)], [familyKeyPrefix])) as FamilyReply | null;
      return reply === null ? null : toFamily(reply);
    },
    async findFamily(familyId) {
      const [subject, createdAt, expiresAt, revokedAt, data] = await redis.hmget(
        familyKey(familyId),
        'subject',
        'createdAt',
        'expiresAt',
        'revokedAt',
        'data',
      );
      if (subject == null || createdAt == null || expiresAt == null || data == null) return null;
      return toFamily([familyId, subject, createdAt, expiresAt, revokedAt ?? '', data]);
    },
    async revokeFamily(familyId, now) {
      return (await revokeFamily([familyKey(familyId)], [encodeTime(now)])) === 1;
    },
    async revokeSubject(subject, now) {
      return (await revokeSubject(
        [subjectKey(subject)],
        [encodeTime(now), familyKeyPrefix, subject],
      )) as string[];
    },
  };
}
