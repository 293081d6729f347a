import type { OneTimeTokenStore } from '@portcullis/core';
import type { Redis } from 'ioredis';
import { defineScript } from './lib/define-script.js';
import { LUA_HELPERS } from './lib/lua.js';
import { type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { encodeTime } from './lib/time.js';

// KEYS = token, subject index; ARGV = hash, purpose, subject, email, createdAt, expiresAt, token key prefix.
// The subject's index maps each purpose to its newest token: the one it held before is deleted (if it still
// belongs to this subject and purpose), and the index lives as long as the longest-lived token it names.
const ISSUE = `${LUA_HELPERS}
local previous = redis.call('HGET', KEYS[2], ARGV[2])
if previous and previous ~= ARGV[1] then
  local key = ARGV[7] .. previous
  local p = redis.call('HMGET', key, 'purpose', 'subject')
  if p[1] == ARGV[2] and p[2] == ARGV[3] then redis.call('DEL', key) end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'purpose', ARGV[2], 'subject', ARGV[3], 'email', ARGV[4], 'createdAt', ARGV[5],
  'expiresAt', ARGV[6])
redis.call('PEXPIREAT', KEYS[1], ms(ARGV[6]))
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
local last = ARGV[6]
for _, hash in ipairs(redis.call('HVALS', KEYS[2])) do
  local expires_at = redis.call('HGET', ARGV[7] .. hash, 'expiresAt')
  if expires_at and tonumber(expires_at) > tonumber(last) then last = expires_at end
end
redis.call('PEXPIREAT', KEYS[2], ms(last))
return 1
`;

// KEYS = token; ARGV = hash, purpose, now, subject index prefix. Returns subject, email, createdAt,
// expiresAt of the token it spent, or nil: a token of another purpose, or expired at `now`, stays as it is.
const CONSUME = `
local t = redis.call('HMGET', KEYS[1], 'purpose', 'subject', 'email', 'createdAt', 'expiresAt')
if t[1] ~= ARGV[2] or not t[5] or tonumber(t[5]) <= tonumber(ARGV[3]) then return false end
redis.call('DEL', KEYS[1])
local index = ARGV[4] .. t[2]
if redis.call('HGET', index, ARGV[2]) == ARGV[1] then redis.call('HDEL', index, ARGV[2]) end
return {t[2], t[3], t[4], t[5]}
`;

// KEYS = subject index; ARGV = token key prefix, subject. A token is deleted only if it still belongs to the
// subject.
const REVOKE_SUBJECT = `
for _, hash in ipairs(redis.call('HVALS', KEYS[1])) do
  local key = ARGV[1] .. hash
  if redis.call('HGET', key, 'subject') == ARGV[2] then redis.call('DEL', key) end
end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * A `OneTimeTokenStore` on Redis. Each script runs atomically: `issue` stores the token and deletes the
 * subject's earlier token of the same purpose; `consume` checks purpose and expiry against its `now` and
 * deletes the token in one step, so of any number of concurrent uses, on any app instance, exactly one gets
 * the record. Every key expires (PEXPIREAT) with the token it holds; only the token's hash is ever stored.
 *
 * Keys: `<prefix>ott:token:<hash>` (hash: purpose, subject, email, createdAt, expiresAt),
 * `<prefix>ott:subject:<subject>` (hash: purpose → the hash of its newest token).
 *
 * @example const oneTimeTokens = createRedisOneTimeTokenStore(redis, { prefix: 'myapp:' });
 */
export function createRedisOneTimeTokenStore(redis: Redis, options?: RedisStoresOptions): OneTimeTokenStore {
  const { prefix, scriptPrefix } = resolveOptions(redis, options);
  const tokenKey = (hash: string) => `${prefix}ott:token:${hash}`;
  const subjectKey = (subject: string) => `${prefix}ott:subject:${subject}`;
  // Keys a script builds from what it has read: ioredis does not add the client's keyPrefix to those.
  const tokenKeyPrefix = `${scriptPrefix}ott:token:`;
  const subjectKeyPrefix = `${scriptPrefix}ott:subject:`;
  const issue = defineScript(redis, 'OneTimeTokenIssue', 2, ISSUE);
  const consume = defineScript(redis, 'OneTimeTokenConsume', 1, CONSUME);
  const revokeSubject = defineScript(redis, 'OneTimeTokenRevokeSubject', 1, REVOKE_SUBJECT);

  return {
    async issue(record) {
      await issue(
        [tokenKey(record.hash), subjectKey(record.subject)],
        [
          record.hash,
          record.purpose,
          record.subject,
          record.email,
          encodeTime(record.createdAt),
          encodeTime(record.expiresAt),
          tokenKeyPrefix,
        ],
      );
    },
    async consume(hash, purpose, now) {
      const reply = (await consume([tokenKey(hash)], [hash, purpose, encodeTime(now), subjectKeyPrefix])) as
        | [string, string, string, string]
        | null;
      if (reply === null) return null;
      const [subject, email, createdAt, expiresAt] = reply;
      return { hash, purpose, subject, email, createdAt: Number(createdAt), expiresAt: Number(expiresAt) };
    },
    async revokeSubject(subject) {
      await revokeSubject([subjectKey(subject)], [tokenKeyPrefix, subject]);
    },
  };
}
