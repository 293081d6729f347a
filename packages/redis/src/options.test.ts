import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { recommendedRedisOptions } from './recommended-redis-options.js';

describe('createRedisStores options', () => {
  const clients: Redis[] = [];
  const client = (options: RedisOptions) => {
    const redis = new Redis({ ...options, lazyConnect: true });
    clients.push(redis);
    return redis;
  };
  afterEach(() => {
    for (const redis of clients.splice(0)) redis.disconnect();
  });

  it('returns every store as plain methods, so guardStore can wrap them', () => {
    const stores = createRedisStores(client(recommendedRedisOptions));
    expect(Object.keys(stores).sort()).toEqual(
      [
        'apiKeys',
        'identities',
        'keyring',
        'oauthStates',
        'oneTimeTokens',
        'rateLimiter',
        'refreshTokens',
        'revocations',
        'sessions',
      ].sort(),
    );
    expect(Object.keys(stores.revocations).sort()).toEqual(
      ['isRevoked', 'revokeSession', 'revokeSubject', 'revokeToken'].sort(),
    );
  });

  it('refuses what is not an ioredis client, and a prefix that is not a string', () => {
    expect(() => createRedisStores({} as Redis)).toThrow(TypeError);
    expect(() => createRedisStores(client({}), { prefix: 42 as unknown as string })).toThrow(TypeError);
    const cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true });
    expect(() => createRedisStores(cluster as unknown as Redis)).toThrow(/Cluster is not supported/);
    cluster.disconnect();
  });

  it('refuses a client that would wait forever during an outage', () => {
    expect(() => createRedisStores(client({ maxRetriesPerRequest: null }))).toThrow(/wait forever/);
    expect(() =>
      createRedisStores(client({ maxRetriesPerRequest: null, commandTimeout: 1000 })),
    ).not.toThrow();
    expect(() =>
      createRedisStores(client({ maxRetriesPerRequest: null, enableOfflineQueue: false })),
    ).not.toThrow();
  });
});
