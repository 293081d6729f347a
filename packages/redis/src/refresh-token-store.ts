import type { RefreshFamily, RefreshTokenStore } from '@portcullis/core/stores';
import { defineScript } from './lib/define-script.js';
import { LUA_HELPERS, TRACK_SCRIPT } from './lib/lua.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { decodeTime, encodeTime, pxat } from './lib/time.js';

// A family as the scripts return it: subject, createdAt, expiresAt, revokedAt ('' for none), data.
type FamilyReply = [string, string, string, string, string];

// KEYS = family, first token; ARGV = subject, createdAt, expiresAt, revokedAt ('' for none), data,
// tokenExpiresAt.
const CREATE_FAMILY = `${LUA_HELPERS}
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'subject', ARGV[1], 'createdAt', ARGV[2], 'expiresAt', ARGV[3], 'data', ARGV[5])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'revokedAt', ARGV[4]) end
redis.call('PEXPIREAT', KEYS[1], ms(ARGV[3]))
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'expiresAt', ARGV[6])
redis.call('PEXPIREAT', KEYS[2], ms(ARGV[3]))
return 1
`;

// KEYS = family, presented token, next token; ARGV = now, nextExpiresAt. Returns {outcome, <family>}. The
// whole check-and-spend runs inside Redis, so it is atomic: of concurrent calls with one live token exactly
// one sees it unspent. A token key expires with its family (not with the token), so that a spent token is
// still recognised as reuse for as long as the family could be used.
const ROTATE = `${LUA_HELPERS}
local t = redis.call('HMGET', KEYS[2], 'expiresAt', 'spentAt')
if not t[1] then return {'invalid'} end
local f = redis.call('HMGET', KEYS[1], 'subject', 'createdAt', 'expiresAt', 'revokedAt', 'data')
if not f[3] then return {'invalid'} end
local now = tonumber(ARGV[1])
if f[4] or tonumber(f[3]) <= now then return {'invalid'} end
if t[2] then
  redis.call('HSET', KEYS[1], 'revokedAt', ARGV[1])
  return {'reused', f[1], f[2], f[3], ARGV[1], f[5]}
end
if tonumber(t[1]) <= now then return {'invalid'} end
redis.call('HSET', KEYS[2], 'spentAt', ARGV[1])
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[3], 'expiresAt', ARGV[2])
redis.call('PEXPIREAT', KEYS[3], ms(f[3]))
return {'rotated', f[1], f[2], f[3], '', f[5]}
`;

// KEYS = family, token. The family, if the token is one of its own.
const FIND_BY_TOKEN = `
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
local f = redis.call('HMGET', KEYS[1], 'subject', 'createdAt', 'expiresAt', 'revokedAt', 'data')
if not f[3] then return false end
return {f[1], f[2], f[3], f[4] or '', f[5]}
`;

// KEYS = family, token. The token's expiry and spending time ('' for none), then its family.
const FIND_TOKEN = `
local t = redis.call('HMGET', KEYS[2], 'expiresAt', 'spentAt')
if not t[1] then return false end
local f = redis.call('HMGET', KEYS[1], 'subject', 'createdAt', 'expiresAt', 'revokedAt', 'data')
if not f[3] then return false end
return {t[1], t[2] or '', f[1], f[2], f[3], f[4] or '', f[5]}
`;

// KEYS = family; ARGV = now. Keeps the first revocation time.
const REVOKE_FAMILY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSETNX', KEYS[1], 'revokedAt', ARGV[1])
return 1
`;

// KEYS = family; ARGV = now, subject. Revokes the family if it is the subject's, live and not yet revoked.
const REVOKE_IF_LIVE = `
local f = redis.call('HMGET', KEYS[1], 'subject', 'expiresAt', 'revokedAt')
if f[1] ~= ARGV[2] or not f[2] or f[3] or tonumber(f[2]) <= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'revokedAt', ARGV[1])
return 1
`;

function toFamily(id: string, reply: FamilyReply): RefreshFamily {
  const [subject, createdAt, expiresAt, revokedAt, data] = reply;
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
 * Slots (Redis Cluster): a family and its tokens share the hash tag `{family:<id>}`, so rotation stays one
 * atomic script, and families spread over the cluster. A token is presented by its hash alone, whose family
 * is unknown before reading: a lookup key per token (`rt:token-family:<hash>`, in its own slot) names it.
 * It never changes once written, and is written before the script that stores the token — a failure in
 * between leaves a lookup to nothing, which the script treats as unknown. Each subject's index of families
 * (`rt:families:<subject>`) lives in its own slot too, written before the family and pruned only as families
 * expire: `revokeSubject` revokes every family that existed when it started, one script each. "Log out
 * everywhere" needs no more than that — a login that completes meanwhile is one that came after it.
 *
 * Keys: `<prefix>rt:{family:<id>}` (hash: subject, createdAt, expiresAt, revokedAt, data),
 * `<prefix>rt:{family:<id>}:token:<tokenHash>` (hash: expiresAt, spentAt), `<prefix>rt:token-family:<tokenHash>`
 * (string: `[familyId, familyExpiresAt]`), `<prefix>rt:families:<subject>` (sorted set of family ids by expiry).
 *
 * @example const refreshTokens = createRedisRefreshTokenStore(redis);
 */
export function createRedisRefreshTokenStore(
  redis: RedisClient,
  options?: RedisStoresOptions,
): RefreshTokenStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisRefreshTokenStore');
  const familyKey = (id: string) => `${prefix}rt:{family:${id}}`;
  const tokenKey = (familyId: string, hash: string) => `${prefix}rt:{family:${familyId}}:token:${hash}`;
  const lookupKey = (hash: string) => `${prefix}rt:token-family:${hash}`;
  const indexKey = (subject: string) => `${prefix}rt:families:${subject}`;
  const createFamily = defineScript(redis, 'RefreshCreateFamily', 2, CREATE_FAMILY);
  const rotate = defineScript(redis, 'RefreshRotate', 3, ROTATE);
  const findByToken = defineScript(redis, 'RefreshFindByToken', 2, FIND_BY_TOKEN);
  const findToken = defineScript(redis, 'RefreshFindToken', 2, FIND_TOKEN);
  const revokeFamily = defineScript(redis, 'RefreshRevokeFamily', 1, REVOKE_FAMILY);
  const revokeIfLive = defineScript(redis, 'RefreshRevokeIfLive', 1, REVOKE_IF_LIVE);
  const track = defineScript(redis, 'Track', 1, TRACK_SCRIPT);

  /** The family id a token hash belongs to, and the lookup entry as stored. */
  async function lookUp(
    hash: string,
  ): Promise<{ familyId: string; entry: string; expiresAt: number } | null> {
    const entry = await redis.get(lookupKey(hash));
    if (entry === null) return null;
    const [familyId, expiresAt] = JSON.parse(entry) as [string, number];
    return { familyId, entry, expiresAt };
  }

  return {
    async createFamily(family, firstTokenHash, tokenExpiresAt) {
      // The index and the lookup first: should the family's own write fail, they point at nothing and expire.
      // The other way round, a family could live on unreachable by revokeSubject, or a token by rotate.
      await Promise.all([
        track([indexKey(family.subject)], [family.id, encodeTime(family.expiresAt)]),
        redis.set(
          lookupKey(firstTokenHash),
          JSON.stringify([family.id, family.expiresAt]),
          'PXAT',
          pxat(family.expiresAt),
        ),
      ]);
      await createFamily(
        [familyKey(family.id), tokenKey(family.id, firstTokenHash)],
        [
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
      const found = await lookUp(tokenHash);
      if (found === null) return { outcome: 'invalid' };
      const { familyId, entry, expiresAt } = found;
      // The next token's lookup before the rotation: if the rotation fails, the client still holds a live
      // token to retry with. Stored after it, a failed lookup write would spend the token for nothing and
      // turn the client's retry into reuse, revoking the family.
      await redis.set(lookupKey(nextTokenHash), entry, 'PXAT', pxat(expiresAt));
      const [outcome, ...family] = (await rotate(
        [familyKey(familyId), tokenKey(familyId, tokenHash), tokenKey(familyId, nextTokenHash)],
        [encodeTime(now), encodeTime(nextExpiresAt)],
      )) as ['rotated' | 'reused' | 'invalid', ...FamilyReply];
      return outcome === 'invalid' ? { outcome } : { outcome, family: toFamily(familyId, family) };
    },
    async findFamilyByToken(tokenHash) {
      const found = await lookUp(tokenHash);
      if (found === null) return null;
      const reply = (await findByToken(
        [familyKey(found.familyId), tokenKey(found.familyId, tokenHash)],
        [],
      )) as FamilyReply | null;
      return reply === null ? null : toFamily(found.familyId, reply);
    },
    async findToken(tokenHash) {
      const found = await lookUp(tokenHash);
      if (found === null) return null;
      const reply = (await findToken([familyKey(found.familyId), tokenKey(found.familyId, tokenHash)], [])) as
        | [string, string, ...FamilyReply]
        | null;
      if (reply === null) return null;
      const [expiresAt, spentAt, ...family] = reply;
      return {
        family: toFamily(found.familyId, family),
        expiresAt: Number(expiresAt),
        spentAt: decodeTime(spentAt),
      };
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
      return toFamily(familyId, [subject, createdAt, expiresAt, revokedAt ?? '', data]);
    },
    async revokeFamily(familyId, now) {
      return (await revokeFamily([familyKey(familyId)], [encodeTime(now)])) === 1;
    },
    async revokeSubject(subject, now) {
      // Members leave the index only by expiring (`track`): one whose family is missing may be a createFamily
      // still under way, which must stay reachable by the next revokeSubject.
      const ids = await redis.zrange(indexKey(subject), 0, '-1');
      const revoked = await Promise.all(
        ids.map((id) => revokeIfLive([familyKey(id)], [encodeTime(now), subject])),
      );
      return ids.filter((_, i) => revoked[i] === 1);
    },
  };
}
