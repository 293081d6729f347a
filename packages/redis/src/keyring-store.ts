import type { KeyringSnapshot, KeyringStore } from '@portcullis/core/keys';
import { defineScript } from './lib/define-script.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';

// KEYS = keyring; ARGV = expectedRevision, new revision, snapshot JSON. Compare-and-set in one script.
const SAVE = `
local current = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'revision', ARGV[2], 'snapshot', ARGV[3])
return 1
`;

/**
 * A `KeyringStore` on Redis: one hash holding the snapshot and its revision; `save` is a compare-and-set on
 * the revision in a Lua script, so two instances rotating at once never overwrite each other. The snapshot
 * holds private keys and never expires: use a persistent Redis (AOF or RDB) with access control and TLS —
 * or, better, keep the keyring in PostgreSQL.
 *
 * Slots (Redis Cluster): one key, so no tag; the keyring is read at start-up and on an unknown `kid`.
 *
 * Key: `<prefix>keyring` (hash: revision, snapshot).
 *
 * @example const keyring = await createKeyring({ store: createRedisKeyringStore(redis) });
 */
export function createRedisKeyringStore(redis: RedisClient, options?: RedisStoresOptions): KeyringStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisKeyringStore');
  const key = `${prefix}keyring`;
  const save = defineScript(redis, 'KeyringSave', 1, SAVE);
  return {
    async load() {
      const snapshot = await redis.hget(key, 'snapshot');
      return snapshot === null ? null : (JSON.parse(snapshot) as KeyringSnapshot);
    },
    async save(snapshot, expectedRevision) {
      const saved = await save(
        [key],
        [String(expectedRevision), String(snapshot.revision), JSON.stringify(snapshot)],
      );
      return saved === 1;
    },
  };
}
