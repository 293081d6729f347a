import type { ApiKeyRecord, ApiKeyStore } from '@portcullis/core';
import type { Redis } from 'ioredis';
import { defineScript } from './lib/define-script.js';
import { type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';

const FIELDS = [
  'id',
  'ownerId',
  'name',
  'prefix',
  'scopes',
  'hash',
  'createdAt',
  'expiresAt',
  'revokedAt',
  'lastUsedAt',
  'rolledFrom',
] as const satisfies readonly (keyof ApiKeyRecord)[];

// KEYS = key, owner set; ARGV = id, createdAt, field/value pairs. Refuses an existing id.
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`;

// KEYS = owner set; ARGV = key prefix. Every key of the owner, newest first (ties: id descending).
const LIST_BY_OWNER = `
local keys = {}
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, -1)) do
  local fields = redis.call('HGETALL', ARGV[1] .. id)
  if #fields > 0 then keys[#keys + 1] = fields end
end
return keys
`;

// KEYS = key; ARGV = field/value pairs.
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end
return 1
`;

// Each field holds its value as JSON, so that `null`, numbers and the scope list come back as they went in.
function toRecord(fields: Record<string, string>): ApiKeyRecord {
  const record: Record<string, unknown> = {};
  for (const name of FIELDS) record[name] = JSON.parse(fields[name] ?? 'null');
  return record as unknown as ApiKeyRecord;
}

function pairsToObject(pairs: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i]!] = pairs[i + 1]!;
  return fields;
}

/**
 * An `ApiKeyStore` on Redis: a hash per key and, per owner, a sorted set of key ids by `createdAt`. These
 * keys never expire — revoked and expired API keys are kept for listings, as the contract asks — so Redis
 * must persist its data (AOF or RDB) if API keys live in it; PostgreSQL is the better home for them.
 *
 * Keys: `<prefix>ak:key:<id>` (hash), `<prefix>ak:owner:<ownerId>` (sorted set).
 *
 * @example const apiKeys = createRedisApiKeyStore(redis);
 */
export function createRedisApiKeyStore(redis: Redis, options?: RedisStoresOptions): ApiKeyStore {
  const { prefix, scriptPrefix } = resolveOptions(redis, options);
  const keyKey = (id: string) => `${prefix}ak:key:${id}`;
  const ownerKey = (ownerId: string) => `${prefix}ak:owner:${ownerId}`;
  const create = defineScript(redis, 'ApiKeyCreate', 2, CREATE);
  const listByOwner = defineScript(redis, 'ApiKeyListByOwner', 1, LIST_BY_OWNER);
  const update = defineScript(redis, 'ApiKeyUpdate', 1, UPDATE);

  return {
    async create(record) {
      const pairs = FIELDS.flatMap((name) => [name, JSON.stringify(record[name])]);
      const created = await create(
        [keyKey(record.id), ownerKey(record.ownerId)],
        [record.id, String(record.createdAt), ...pairs],
      );
      if (created !== 1) throw new Error('duplicate API key id');
    },
    async findById(id) {
      const fields = await redis.hgetall(keyKey(id));
      return fields['id'] === undefined ? null : toRecord(fields);
    },
    async listByOwner(ownerId) {
      const keys = (await listByOwner([ownerKey(ownerId)], [`${scriptPrefix}ak:key:`])) as string[][];
      return keys.map((pairs) => toRecord(pairsToObject(pairs)));
    },
    async update(id, patch) {
      const pairs: string[] = [];
      if (patch.expiresAt !== undefined) pairs.push('expiresAt', JSON.stringify(patch.expiresAt));
      if (patch.revokedAt !== undefined) pairs.push('revokedAt', JSON.stringify(patch.revokedAt));
      if (patch.lastUsedAt !== undefined) pairs.push('lastUsedAt', JSON.stringify(patch.lastUsedAt));
      return (await update([keyKey(id)], pairs)) === 1;
    },
  };
}
