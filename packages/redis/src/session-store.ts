import type { SessionRecord, SessionStore } from '@portcullis/core';
import type { Redis } from 'ioredis';
import { defineScript } from './lib/define-script.js';
import { LUA_HELPERS } from './lib/lua.js';
import { type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { encodeTime } from './lib/time.js';

// KEYS = session, subject set; ARGV = idHash, subject, createdAt, absoluteExpiresAt, idleExpiresAt, data.
const CREATE = `${LUA_HELPERS}
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'subject', ARGV[2], 'createdAt', ARGV[3], 'absoluteExpiresAt', ARGV[4],
  'idleExpiresAt', ARGV[5], 'data', ARGV[6])
local expires_at = earliest(ARGV[4], ARGV[5])
redis.call('PEXPIREAT', KEYS[1], ms(expires_at))
track(KEYS[2], ARGV[1], expires_at)
return 1
`;

// KEYS = session; ARGV = idleExpiresAt, subject-set key prefix, idHash.
const TOUCH = `${LUA_HELPERS}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'idleExpiresAt', ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'absoluteExpiresAt', 'subject')
local expires_at = earliest(ARGV[1], f[1])
redis.call('PEXPIREAT', KEYS[1], ms(expires_at))
track(ARGV[2] .. f[2], ARGV[3], expires_at)
return 1
`;

// KEYS = session; ARGV = subject-set key prefix, idHash.
const DELETE = `
local subject = redis.call('HGET', KEYS[1], 'subject')
redis.call('DEL', KEYS[1])
if subject then redis.call('ZREM', ARGV[1] .. subject, ARGV[2]) end
return 1
`;

// KEYS = subject set; ARGV = session key prefix, subject. A member is deleted only if it still belongs to
// the subject.
const DELETE_BY_SUBJECT = `
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  if redis.call('HGET', key, 'subject') == ARGV[2] then redis.call('DEL', key) end
end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * A `SessionStore` on Redis. A session is a hash that expires (PEXPIREAT) at
 * `min(idleExpiresAt, absoluteExpiresAt)`, re-armed by `touch`; `get` also judges both expiries against its
 * `now` argument. Each subject has a sorted set of its session hashes, scored by expiry, for
 * `deleteBySubject`: members are removed with their session, pruned as they expire, and the set expires with
 * its last session.
 *
 * Keys: `<prefix>sess:id:<idHash>` (hash), `<prefix>sess:subject:<subject>` (sorted set).
 *
 * @example const sessions = createRedisSessionStore(redis);
 */
export function createRedisSessionStore(redis: Redis, options?: RedisStoresOptions): SessionStore {
  const { prefix, scriptPrefix } = resolveOptions(redis, options);
  const sessionPrefix = `${prefix}sess:id:`;
  const subjectPrefix = `${prefix}sess:subject:`;
  const create = defineScript(redis, 'SessionCreate', 2, CREATE);
  const touch = defineScript(redis, 'SessionTouch', 1, TOUCH);
  const remove = defineScript(redis, 'SessionDelete', 1, DELETE);
  const removeBySubject = defineScript(redis, 'SessionDeleteBySubject', 1, DELETE_BY_SUBJECT);

  return {
    async create(record) {
      await create(
        [sessionPrefix + record.idHash, subjectPrefix + record.subject],
        [
          record.idHash,
          record.subject,
          encodeTime(record.createdAt),
          encodeTime(record.absoluteExpiresAt),
          encodeTime(record.idleExpiresAt),
          JSON.stringify(record.data),
        ],
      );
    },
    async get(idHash, now) {
      const fields = await redis.hgetall(sessionPrefix + idHash);
      if (fields['subject'] === undefined) return null;
      const record: SessionRecord = {
        idHash,
        subject: fields['subject'],
        createdAt: Number(fields['createdAt']),
        absoluteExpiresAt: Number(fields['absoluteExpiresAt']),
        idleExpiresAt: Number(fields['idleExpiresAt']),
        data: JSON.parse(fields['data'] ?? '{}') as Record<string, unknown>,
      };
      return record.idleExpiresAt > now && record.absoluteExpiresAt > now ? record : null;
    },
    async touch(idHash, idleExpiresAt) {
      const touched = await touch(
        [sessionPrefix + idHash],
        [encodeTime(idleExpiresAt), scriptPrefix + 'sess:subject:', idHash],
      );
      return touched === 1;
    },
    async delete(idHash) {
      await remove([sessionPrefix + idHash], [scriptPrefix + 'sess:subject:', idHash]);
    },
    async deleteBySubject(subject) {
      await removeBySubject([subjectPrefix + subject], [scriptPrefix + 'sess:id:', subject]);
    },
  };
}
