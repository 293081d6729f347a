import type { ApiKeyRecord, ApiKeyStore } from '@portcullis/core/stores';
import { defineScript } from './lib/define-script.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';

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

// KEYS = key; ARGV = field/value pairs. Refuses an existing id.
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
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

// Newest first; ties by id, descending.
function newestFirst(a: ApiKeyRecord, b: ApiKeyRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * An `ApiKeyStore` on Redis: a hash per key and, per owner, a sorted set of key ids by `createdAt`. These
 * keys never expire — revoked and expired API keys are kept for listings, as the contract asks — so Redis
 * must persist its data (AOF or RDB) if API keys live in it; PostgreSQL is the better home for them.
 *
 * Slots (Redis Cluster): no tag. `findById`, the hot path, is given the id alone, so a key lives in its own
 * slot (one command, spread over the cluster) and its owner's index in another. `create` adds to the index
 * before it stores the key (a failure in between leaves an id that points at nothing), and `listByOwner`
 * reads the keys one command each and keeps only those that exist and are the owner's — so a listing never
 * misses a key, and never shows another owner's.
 *
 * Keys: `<prefix>ak:key:<id>` (hash), `<prefix>ak:owner:<ownerId>` (sorted set).
 *
 * @example const apiKeys = createRedisApiKeyStore(redis);
 */
export function createRedisApiKeyStore(redis: RedisClient, options?: RedisStoresOptions): ApiKeyStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisApiKeyStore');
  const keyKey = (id: string) => `${prefix}ak:key:${id}`;
  const ownerKey = (ownerId: string) => `${prefix}ak:owner:${ownerId}`;
  const create = defineScript(redis, 'ApiKeyCreate', 1, CREATE);
  const update = defineScript(redis, 'ApiKeyUpdate', 1, UPDATE);

  return {
    async create(record) {
      // NX: a duplicate id must not move the existing key in its owner's listing.
      await redis.zadd(ownerKey(record.ownerId), 'NX', record.createdAt, record.id);
      const pairs = FIELDS.flatMap((name) => [name, JSON.stringify(record[name])]);
      if ((await create([keyKey(record.id)], pairs)) !== 1) throw new Error('duplicate API key id');
    },
    async findById(id) {
      const fields = await redis.hgetall(keyKey(id));
      return fields['id'] === undefined ? null : toRecord(fields);
    },
    async listByOwner(ownerId) {
      const ids = await redis.zrange(ownerKey(ownerId), 0, '-1');
      const found = await Promise.all(ids.map((id) => redis.hgetall(keyKey(id))));
      return found
        .filter((fields) => fields['id'] !== undefined)
        .map(toRecord)
        .filter((record) => record.ownerId === ownerId)
        .sort(newestFirst);
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
