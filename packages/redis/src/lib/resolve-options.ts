import type { Redis } from 'ioredis';

/** Options shared by every Redis store factory. */
export interface RedisStoresOptions {
  /**
   * Prefix of every key this package reads or writes. Default `portcullis:`. Give each application (or
   * test run) its own prefix when they share one Redis database.
   */
  prefix?: string;
}

/** Options after validation: what the store factories close over. */
export interface ResolvedOptions {
  redis: Redis;
  /** Prefix of the keys this package names in commands (ioredis adds the client's own `keyPrefix` to these). */
  prefix: string;
  /**
   * Prefix of the keys a Lua script builds itself from an id it has read (a token's family): ioredis does not
   * add the client's `keyPrefix` to those, so it is added here.
   */
  scriptPrefix: string;
}

export const DEFAULT_PREFIX = 'portcullis:';

/**
 * Validates the client and options once, at start-up. A client that can make a store call wait forever
 * during an outage (offline queue on, unlimited retries, no command timeout) is refused: authentication must
 * fail closed with a 503, not hang.
 */
export function resolveOptions(redis: Redis, options: RedisStoresOptions = {}): ResolvedOptions {
  if (typeof redis !== 'object' || redis === null || typeof redis.defineCommand !== 'function') {
    throw new TypeError('@portcullis/redis: expected an ioredis client (new Redis(...))');
  }
  if ((redis as { isCluster?: boolean }).isCluster === true) {
    throw new TypeError(
      '@portcullis/redis: Redis Cluster is not supported (its scripts touch keys in several slots); use a standalone or Sentinel client',
    );
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') throw new TypeError('@portcullis/redis: `prefix` must be a string');
  const clientOptions = redis.options ?? {};
  if (
    clientOptions.maxRetriesPerRequest === null &&
    clientOptions.enableOfflineQueue !== false &&
    clientOptions.commandTimeout === undefined
  ) {
    throw new TypeError(
      '@portcullis/redis: this client can wait forever while Redis is down (maxRetriesPerRequest: null, offline queue on, no commandTimeout); set commandTimeout or use recommendedRedisOptions',
    );
  }
  return { redis, prefix, scriptPrefix: (clientOptions.keyPrefix ?? '') + prefix };
}
