import type { RevocationStore } from '@portcullis/core/stores';
import { defineScript } from './lib/define-script.js';
import { LUA_HELPERS } from './lib/lua.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { encodeTime } from './lib/time.js';

// KEYS[1] = the entry; ARGV[1] = expiresAt. Keeps the later expiry when an entry is revoked twice.
const REVOKE_UNTIL = `${LUA_HELPERS}
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ms(ARGV[1]))
return 1
`;

// KEYS[1] = the subject's entry "before:expiresAt"; ARGV = before, expiresAt. Both only ever move forward,
// so a late or repeated "log out everywhere" never re-enables tokens an earlier one denied.
const REVOKE_SUBJECT = `${LUA_HELPERS}
local before, expires_at = ARGV[1], ARGV[2]
local current = redis.call('GET', KEYS[1])
if current then
  local b, e = string.match(current, '^([^:]+):(.+)$')
  if b and tonumber(b) > tonumber(before) then before = b end
  if e and tonumber(e) > tonumber(expires_at) then expires_at = e end
end
redis.call('SET', KEYS[1], before .. ':' .. expires_at, 'PXAT', ms(expires_at))
return 1
`;

/**
 * A `RevocationStore` on Redis. Each entry is one string key that expires (PXAT) when the revoked tokens
 * would have expired anyway; `isRevoked` reads the token, session and subject entries and judges them
 * against its `now` argument (the TTL only collects garbage).
 *
 * Slots (Redis Cluster): no tag. `revokeToken` and `revokeSession` are given no subject, so an entry cannot
 * be grouped with its subject's; and one slot for every entry would send every request's check to one node.
 * Each entry has its own slot, and `isRevoked` reads its (at most three) entries with one GET each, sent
 * together: one round trip — pipelined on one connection, or in parallel to their nodes on a cluster.
 *
 * Keys: `<prefix>rev:jti:<jti>`, `<prefix>rev:sid:<sid>` (value: expiresAt), `<prefix>rev:sub:<subject>`
 * (value: `before:expiresAt`).
 *
 * @example const revocations = createRedisRevocationStore(redis, { prefix: 'myapp:' });
 */
export function createRedisRevocationStore(
  redis: RedisClient,
  options?: RedisStoresOptions,
): RevocationStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisRevocationStore');
  const tokenKey = (jti: string) => `${prefix}rev:jti:${jti}`;
  const sessionKey = (sid: string) => `${prefix}rev:sid:${sid}`;
  const subjectKey = (subject: string) => `${prefix}rev:sub:${subject}`;
  const revokeUntil = defineScript(redis, 'RevokeUntil', 1, REVOKE_UNTIL);
  const revokeSubject = defineScript(redis, 'RevokeSubject', 1, REVOKE_SUBJECT);
  const live = (value: string | null | undefined, now: number) => value != null && Number(value) > now;

  return {
    async revokeToken(tokenId, expiresAt) {
      await revokeUntil([tokenKey(tokenId)], [encodeTime(expiresAt)]);
    },
    async revokeSession(sessionId, expiresAt) {
      await revokeUntil([sessionKey(sessionId)], [encodeTime(expiresAt)]);
    },
    async revokeSubject(subject, before, expiresAt) {
      await revokeSubject([subjectKey(subject)], [encodeTime(before), encodeTime(expiresAt)]);
    },
    async isRevoked(check, now) {
      const reads = [redis.get(subjectKey(check.subject))];
      if (check.tokenId !== undefined) reads.push(redis.get(tokenKey(check.tokenId)));
      if (check.sessionId !== undefined) reads.push(redis.get(sessionKey(check.sessionId)));
      const [subject, ...others] = await Promise.all(reads);
      if (others.some((expiresAt) => live(expiresAt, now))) return true;
      if (subject == null) return false;
      const separator = subject.indexOf(':');
      const before = Number(subject.slice(0, separator));
      const expiresAt = Number(subject.slice(separator + 1));
      return expiresAt > now && check.issuedAt < before;
    },
  };
}
