import type { OneTimeTokenPurpose, OneTimeTokenStore } from '@portcullis/core/stores';
import { defineScript } from './lib/define-script.js';
import { LUA_HELPERS } from './lib/lua.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { encodeTime, pxat } from './lib/time.js';

// What a subject's hash holds per purpose: its newest token, as JSON.
interface StoredToken {
  hash: string;
  email: string;
  createdAt: number;
  expiresAt: number;
}

// KEYS = the subject's tokens; ARGV = purpose, token JSON. Replaces the purpose's token — the one before
// it is gone in the same step — and lets the hash live as long as its longest-lived token.
const ISSUE = `${LUA_HELPERS}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local last = nil
for _, value in ipairs(redis.call('HVALS', KEYS[1])) do
  local expires_at = tonumber(cjson.decode(value).expiresAt)
  if last == nil or expires_at > last then last = expires_at end
end
redis.call('PEXPIREAT', KEYS[1], ms(last))
return 1
`;

// KEYS = the subject's tokens; ARGV = purpose, hash, now. Spends the purpose's token if it is this one and
// live at `now`, and returns it as stored; otherwise nil, and nothing changes.
const CONSUME = `
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return false end
local token = cjson.decode(value)
if token.hash ~= ARGV[2] or tonumber(token.expiresAt) <= tonumber(ARGV[3]) then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return value
`;

/**
 * A `OneTimeTokenStore` on Redis. Each subject has one hash holding its newest token per purpose: `issue`
 * overwrites the purpose's field, so the token it replaces is gone in the same step, and `consume` checks
 * hash, purpose and expiry against its `now` and deletes the field in one script, so of any number of
 * concurrent uses, on any app instance, exactly one gets the record. The hash expires (PEXPIREAT) with its
 * longest-lived token; only the token's hash is ever stored.
 *
 * Slots (Redis Cluster): no tag — every script touches the subject's hash alone, and subjects spread over
 * the cluster. A token is presented by its hash, whose subject is unknown before reading: a lookup key per
 * token (`ott:token-subject:<hash>`, in its own slot) names the subject. It is written before the token and
 * never changes, and a lookup that outlives its token (replaced, spent, revoked) leads to a field that no
 * longer holds that hash, which `consume` refuses.
 *
 * Keys: `<prefix>ott:tokens:<subject>` (hash: purpose → `{hash, email, createdAt, expiresAt}`),
 * `<prefix>ott:token-subject:<hash>` (string: the subject).
 *
 * @example const oneTimeTokens = createRedisOneTimeTokenStore(redis, { prefix: 'myapp:' });
 */
export function createRedisOneTimeTokenStore(
  redis: RedisClient,
  options?: RedisStoresOptions,
): OneTimeTokenStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisOneTimeTokenStore');
  const tokensKey = (subject: string) => `${prefix}ott:tokens:${subject}`;
  const lookupKey = (hash: string) => `${prefix}ott:token-subject:${hash}`;
  const issue = defineScript(redis, 'OneTimeTokenIssue', 1, ISSUE);
  const consume = defineScript(redis, 'OneTimeTokenConsume', 1, CONSUME);

  return {
    async issue(record) {
      // The lookup first: should the token's own write fail, it leads nowhere, and expires with the token.
      await redis.set(lookupKey(record.hash), record.subject, 'PXAT', pxat(record.expiresAt));
      const token: StoredToken = {
        hash: record.hash,
        email: record.email,
        createdAt: record.createdAt,
        expiresAt: record.expiresAt,
      };
      await issue([tokensKey(record.subject)], [record.purpose, JSON.stringify(token)]);
    },
    async consume(hash, purpose: OneTimeTokenPurpose, now) {
      const subject = await redis.get(lookupKey(hash));
      if (subject === null) return null;
      const spent = (await consume([tokensKey(subject)], [purpose, hash, encodeTime(now)])) as string | null;
      if (spent === null) return null;
      const { email, createdAt, expiresAt } = JSON.parse(spent) as StoredToken;
      return { hash, purpose, subject, email, createdAt, expiresAt };
    },
    async revokeSubject(subject) {
      await redis.del(tokensKey(subject));
    },
  };
}
