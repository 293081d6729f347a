import type { SessionRecord, SessionStore } from '@portcullis/core/stores';
import { defineScript } from './lib/define-script.js';
import { LUA_HELPERS, TRACK_SCRIPT } from './lib/lua.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { encodeTime } from './lib/time.js';

// KEYS = session; ARGV = subject, createdAt, absoluteExpiresAt, idleExpiresAt, data.
const CREATE = `${LUA_HELPERS}
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'subject', ARGV[1], 'createdAt', ARGV[2], 'absoluteExpiresAt', ARGV[3],
  'idleExpiresAt', ARGV[4], 'data', ARGV[5])
redis.call('PEXPIREAT', KEYS[1], ms(earliest(ARGV[3], ARGV[4])))
return 1
`;

// KEYS = session; ARGV = idleExpiresAt.
const TOUCH = `${LUA_HELPERS}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'idleExpiresAt', ARGV[1])
local absolute = redis.call('HGET', KEYS[1], 'absoluteExpiresAt')
redis.call('PEXPIREAT', KEYS[1], ms(earliest(ARGV[1], absolute)))
return 1
`;

// KEYS = session. Deletes it and returns its subject, or nil.
const DELETE = `
local subject = redis.call('HGET', KEYS[1], 'subject')
if subject then redis.call('DEL', KEYS[1]) end
return subject
`;

// KEYS = session; ARGV = subject. Deletes the session only if it is the subject's.
const DELETE_IF_SUBJECT = `
if redis.call('HGET', KEYS[1], 'subject') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * A `SessionStore` on Redis. A session is a hash that expires (PEXPIREAT) at
 * `min(idleExpiresAt, absoluteExpiresAt)`, re-armed by `touch`; `get` also judges both expiries against its
 * `now` argument. Each subject has a sorted set of its session hashes, for `deleteBySubject`, scored by the
 * session's absolute expiry — a bound its life never passes, however often it is touched — pruned as those
 * pass; the set expires with its last session.
 *
 * Slots (Redis Cluster): no tag. A session is looked up by its hash on every request, so it lives in its own
 * slot (one command, spread over the cluster); grouping it with its subject's index would cost every lookup
 * a second round trip to find the subject first. So no operation writes both in one step: `create` adds to
 * the index before it stores the session, a member leaves the index only once its session is gone for good
 * (deleted, or past its absolute expiry), and `deleteBySubject` deletes the subject's sessions one script
 * each — every session of the subject that exists when it starts is gone when it returns.
 *
 * Keys: `<prefix>session:id:<idHash>` (hash), `<prefix>session:subject:<subject>` (sorted set).
 *
 * @example const sessions = createRedisSessionStore(redis);
 */
export function createRedisSessionStore(redis: RedisClient, options?: RedisStoresOptions): SessionStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisSessionStore');
  const sessionKey = (idHash: string) => `${prefix}session:id:${idHash}`;
  const indexKey = (subject: string) => `${prefix}session:subject:${subject}`;
  const create = defineScript(redis, 'SessionCreate', 1, CREATE);
  const touch = defineScript(redis, 'SessionTouch', 1, TOUCH);
  const remove = defineScript(redis, 'SessionDelete', 1, DELETE);
  const removeIfSubject = defineScript(redis, 'SessionDeleteIfSubject', 1, DELETE_IF_SUBJECT);
  const track = defineScript(redis, 'Track', 1, TRACK_SCRIPT);

  return {
    async create(record) {
      // Indexed first: a session must never live on unreachable by deleteBySubject.
      await track([indexKey(record.subject)], [record.idHash, encodeTime(record.absoluteExpiresAt)]);
      await create(
        [sessionKey(record.idHash)],
        [
          record.subject,
          encodeTime(record.createdAt),
          encodeTime(record.absoluteExpiresAt),
          encodeTime(record.idleExpiresAt),
          JSON.stringify(record.data),
        ],
      );
    },
    async get(idHash, now) {
      const fields = await redis.hgetall(sessionKey(idHash));
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
      return (await touch([sessionKey(idHash)], [encodeTime(idleExpiresAt)])) === 1;
    },
    async delete(idHash) {
      const subject = (await remove([sessionKey(idHash)], [])) as string | null;
      if (subject !== null) await redis.zrem(indexKey(subject), idHash);
    },
    async deleteBySubject(subject) {
      const index = indexKey(subject);
      const members = await redis.zrange(index, 0, '-1');
      const deleted = await Promise.all(
        members.map((idHash) => removeIfSubject([sessionKey(idHash)], [subject])),
      );
      // A member whose session is missing stays: it may be a `create` still under way, which the next
      // deleteBySubject must find. It leaves by expiring.
      const gone = members.filter((_, i) => deleted[i] === 1);
      if (gone.length > 0) await redis.zrem(index, ...gone);
    },
  };
}
