import type { ClusterOptions } from 'ioredis';
import { recommendedRedisOptions } from './recommended-redis-options.js';

const { connectTimeout, commandTimeout, maxRetriesPerRequest, autoResendUnfulfilledCommands, retryStrategy } =
  recommendedRedisOptions;

/**
 * `recommendedRedisOptions` for an ioredis `Cluster`, where they apply: a Redis Cluster outage makes store
 * calls fail within about a second — so authentication answers 503 — instead of queueing or hanging.
 *
 * - `enableOfflineQueue: false`: while the cluster is down (or not yet connected), commands reject at once.
 *   A Cluster's own offline queue has no timeout at all — the nodes' `commandTimeout` starts only once a
 *   command is sent — so the stores refuse a Cluster that keeps it on. Await `cluster.connect()` (with
 *   `lazyConnect: true`) before serving.
 * - `clusterRetryStrategy`: reconnect forever, at most a second apart, so service resumes by itself.
 * - `redisOptions` (each node's connection): `connectTimeout`, `commandTimeout`, `maxRetriesPerRequest` and
 *   `autoResendUnfulfilledCommands` as in `recommendedRedisOptions`. A node's own offline queue and retry
 *   strategy are the Cluster's to set, not yours.
 *
 * @example
 * const redis = new Cluster([{ host: 'redis-1', port: 6379 }], { ...recommendedClusterOptions, lazyConnect: true });
 * await redis.connect();
 */
export const recommendedClusterOptions = Object.freeze({
  enableOfflineQueue: false,
  clusterRetryStrategy: retryStrategy,
  redisOptions: Object.freeze({
    connectTimeout,
    commandTimeout,
    maxRetriesPerRequest,
    autoResendUnfulfilledCommands,
  }),
} as const satisfies ClusterOptions);
