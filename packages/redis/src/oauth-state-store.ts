import type { OAuthStateStore } from '@portcullis/core/stores';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { encodeTime } from './lib/time.js';

/**
 * An `OAuthStateStore` on Redis: `SET <prefix>oauth:state:<key> 1 NX PXAT expiresAt`, so that of any number
 * of callbacks with the same sign-in `state`, on any app instance, exactly one spends it. The entry expires
 * with the state it guards. Keys are a hash of the provider and state (core hashes them), never the state.
 * Slots (Redis Cluster): one key per state, so no tag; states spread over the cluster.
 *
 * @example const oauthStates = createRedisOAuthStateStore(redis, { prefix: 'myapp:' });
 */
export function createRedisOAuthStateStore(
  redis: RedisClient,
  options?: RedisStoresOptions,
): OAuthStateStore {
  const { prefix } = resolveOptions(redis, options, 'createRedisOAuthStateStore');
  return {
    async consume(key, expiresAt) {
      // PXAT takes whole ms: rounded up, so the entry never lapses before the state does.
      const at = encodeTime(Math.ceil(expiresAt));
      return (await redis.set(`${prefix}oauth:state:${key}`, '1', 'PXAT', at, 'NX')) === 'OK';
    },
  };
}
