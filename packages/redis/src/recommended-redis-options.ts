import type { RedisOptions } from 'ioredis';

/**
 * ioredis options under which a Redis outage makes store calls fail within about a second — so
 * authentication answers 503 — instead of queueing or hanging.
 *
 * - `connectTimeout: 1000`, `commandTimeout: 1000`: no connection attempt or command waits longer.
 * - `enableOfflineQueue: false`: while disconnected, commands reject at once instead of queueing (a queued
 *   command that timed out would still run after reconnection — e.g. spend a refresh token nobody receives).
 *   Await `redis.connect()` (with `lazyConnect: true`) before serving, since commands are refused until then.
 * - `maxRetriesPerRequest: 1`, `autoResendUnfulfilledCommands: false`: a command in flight when the
 *   connection drops is failed, not replayed later.
 * - `retryStrategy`: keep reconnecting forever, at most a second apart, so service resumes by itself.
 *
 * @example const redis = new Redis(url, { ...recommendedRedisOptions, lazyConnect: true }); await redis.connect();
 */
export const recommendedRedisOptions = Object.freeze({
  connectTimeout: 1000,
  commandTimeout: 1000,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
} as const satisfies RedisOptions);
