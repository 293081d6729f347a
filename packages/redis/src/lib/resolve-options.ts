import { optionError } from '@portcullis/core/adapter';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';

/**
 * The clients the stores accept: a standalone or Sentinel `Redis`, or a Redis Cluster `Cluster`. Every
 * command and script of this package names its keys, all of them in one hash slot, so both run the same code.
 */
export type RedisClient = Redis | Cluster;

/** Options shared by every Redis store factory. */
export interface RedisStoresOptions {
  /**
   * Prefix of every key this package reads or writes. Default `portcullis:`. Give each application (or
   * test run) its own prefix when they share one Redis database. A prefix may hold a hash tag of its own
   * (`{myapp}:`), which puts every key in one slot of a cluster; a `{` with no `}` after it is refused.
   */
  prefix?: string;
}

/** Options after validation: what the store factories close over. */
export interface ResolvedOptions {
  redis: RedisClient;
  /** Prefix of the keys this package names in commands (ioredis adds the client's own `keyPrefix` to these). */
  prefix: string;
}

export const DEFAULT_PREFIX = 'portcullis:';

/**
 * Validates the client and options once, at start-up. A client that can make a store call wait forever
 * during an outage is refused: authentication must fail closed with a 503, not hang. For a standalone
 * client that is offline queue on, unlimited retries and no command timeout; for a `Cluster`, its own
 * offline queue, which holds commands while the cluster is down with no timeout at all (the nodes'
 * `commandTimeout` starts only once a command is sent).
 */
export function resolveOptions(
  redis: RedisClient,
  options: RedisStoresOptions = {},
  caller = 'createRedisStores',
): ResolvedOptions {
  const client = `${caller}(redis)`;
  if (typeof redis !== 'object' || redis === null || typeof redis.defineCommand !== 'function') {
    throw optionError(client, 'is not an ioredis client', 'pass new Redis(…) or new Cluster(…)');
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string')
    throw optionError(
      `${caller}.prefix`,
      `must be a string, not ${typeof prefix}`,
      `omit it for "${DEFAULT_PREFIX}"`,
    );
  const cluster = isCluster(redis) ? (redis.options as ClusterOptions) : undefined;
  const nodeOptions: RedisOptions = cluster ? (cluster.redisOptions ?? {}) : ((redis as Redis).options ?? {});
  if (cluster && cluster.enableOfflineQueue !== false) {
    throw optionError(
      client,
      'is a Cluster that queues commands without any timeout while the cluster is down',
      'create it with enableOfflineQueue: false (and redisOptions: recommendedRedisOptions), or with recommendedClusterOptions',
    );
  }
  if (
    nodeOptions.maxRetriesPerRequest === null &&
    nodeOptions.enableOfflineQueue !== false &&
    nodeOptions.commandTimeout === undefined
  ) {
    throw optionError(
      client,
      'can wait forever while Redis is down (maxRetriesPerRequest: null, offline queue on, no commandTimeout)',
      'set commandTimeout, or create it with recommendedRedisOptions',
    );
  }
  const keyPrefix = (cluster ? cluster.keyPrefix : nodeOptions.keyPrefix) ?? '';
  assertHashTagsIntact(`${keyPrefix}${prefix}`, `${caller}.prefix`);
  return { redis, prefix };
}

/** Whether the client is a Redis Cluster client (by ioredis's own flag: `instanceof` fails across copies). */
export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/**
 * Redis hashes only what lies between a key's first `{` and the next `}`. A prefix with a complete tag
 * (`{myapp}:`) pins every key to that tag's slot, which is consistent; a prefix with a `{` and no `}` would
 * make the tag end inside the store's own `{…}`, and `{}` would make Redis hash the whole key — either way
 * two keys meant for one slot could land in two.
 */
function assertHashTagsIntact(fullPrefix: string, option: string): void {
  const open = fullPrefix.indexOf('{');
  if (open === -1) return;
  const close = fullPrefix.indexOf('}', open + 1);
  if (close > open + 1) return;
  throw optionError(
    option,
    `the key prefix ${JSON.stringify(fullPrefix)} (the client's keyPrefix included) opens a hash tag it does not close with a non-empty {…}`,
    'use a prefix without braces, or a whole tag such as "{myapp}:"',
  );
}
