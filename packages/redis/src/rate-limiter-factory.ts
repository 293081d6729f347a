import type { RateLimiterFactory } from '@portcullis/core/ratelimit';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';

/**
 * Builds `rate-limiter-flexible` limiters whose counters live in Redis (`RateLimiterRedis`, one atomic Lua
 * increment per `consume`), shared by every instance.
 *
 * Fail closed: no `insuranceLimiter` is set (it would fall back to per-process memory, i.e. fail open), and
 * `rejectIfRedisNotReady` makes a call reject with an `Error` at once while the client is not connected,
 * instead of queueing — portcullis turns that error into 503.
 *
 * Keys: `<prefix>rl:<spec.keyPrefix>:<key>`. Slots (Redis Cluster): one key per counter (its Lua script and
 * the occasional MULTI name that key alone), so no tag; counters spread over the cluster. `RateLimiterRedis`
 * takes an ioredis `Cluster` as its `storeClient` as it does a `Redis`.
 *
 * @example createRateLimit({ points: 100, duration: 60, keyPrefix: 'api', limiterFactory: createRedisRateLimiterFactory(redis) })
 */
export function createRedisRateLimiterFactory(
  redis: RedisClient,
  options?: RedisStoresOptions,
): RateLimiterFactory {
  const { prefix } = resolveOptions(redis, options, 'createRedisRateLimiterFactory');
  return (spec) =>
    new RateLimiterRedis({
      ...spec,
      keyPrefix: `${prefix}rl:${spec.keyPrefix}`,
      storeClient: redis,
      useRedisPackage: false,
      rejectIfRedisNotReady: true,
    });
}
