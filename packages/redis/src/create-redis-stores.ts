import type { AuthStores } from '@portcullis/core';
import { createRedisApiKeyStore } from './api-key-store.js';
import { createRedisIdentityStore } from './identity-store.js';
import { createRedisKeyringStore } from './keyring-store.js';
import { type RedisClient, type RedisStoresOptions, resolveOptions } from './lib/resolve-options.js';
import { createRedisMfaStore } from './mfa-store.js';
import { createRedisOAuthStateStore } from './oauth-state-store.js';
import { createRedisOneTimeTokenStore } from './one-time-token-store.js';
import { createRedisRateLimiterFactory } from './rate-limiter-factory.js';
import { createRedisRefreshTokenStore } from './refresh-token-store.js';
import { createRedisRevocationStore } from './revocation-store.js';
import { createRedisSessionStore } from './session-store.js';

/**
 * Every portcullis store on one Redis client — a standalone or Sentinel `Redis`, or a Redis Cluster
 * `Cluster` — under one key prefix. Revocations, sessions, refresh tokens, rate counters, spent OAuth
 * states, one-time tokens and MFA challenges expire by themselves; API keys, the keyring, sign-in identities
 * and MFA factors never do, so Redis must be persistent (AOF or RDB) if they live here — or take those four
 * from `@portcullis/postgres` instead (a lost identity unlinks a user from their provider account, a lost
 * factor drops a user's second step). In every case run Redis (every node of a cluster) with
 * `maxmemory-policy noeviction`: evicting a revocation would silently re-enable a token.
 *
 * @example
 * const redis = new Redis(process.env.REDIS_URL, { ...recommendedRedisOptions, lazyConnect: true });
 * await redis.connect();
 * const auth = await createAuth({ stores: createRedisStores(redis, { prefix: 'myapp:' }), ... });
 *
 * @example
 * const redis = new Cluster([{ host: 'redis-1', port: 6379 }], { ...recommendedClusterOptions, lazyConnect: true });
 * await redis.connect();
 * const auth = await createAuth({ stores: createRedisStores(redis), ... });
 */
export function createRedisStores(redis: RedisClient, options?: RedisStoresOptions): AuthStores {
  // Checked here first, so that a misused option is named as the caller wrote it.
  resolveOptions(redis, options);
  return {
    keyring: createRedisKeyringStore(redis, options),
    refreshTokens: createRedisRefreshTokenStore(redis, options),
    revocations: createRedisRevocationStore(redis, options),
    apiKeys: createRedisApiKeyStore(redis, options),
    sessions: createRedisSessionStore(redis, options),
    rateLimiter: createRedisRateLimiterFactory(redis, options),
    oauthStates: createRedisOAuthStateStore(redis, options),
    oneTimeTokens: createRedisOneTimeTokenStore(redis, options),
    identities: createRedisIdentityStore(redis, options),
    mfa: createRedisMfaStore(redis, options),
  };
}
