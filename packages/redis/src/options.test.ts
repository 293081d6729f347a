import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { recommendedClusterOptions } from './recommended-cluster-options.js';
import { recommendedRedisOptions } from './recommended-redis-options.js';

describe('createRedisStores options', () => {
  const clients: (Redis | Cluster)[] = [];
  const client = (options: RedisOptions) => {
    const redis = new Redis({ ...options, lazyConnect: true });
    clients.push(redis);
    return redis;
  };
  const cluster = (options: ClusterOptions) => {
    const redis = new Cluster([{ host: '127.0.0.1', port: 7000 }], { ...options, lazyConnect: true });
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
        'mfa',
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
  });

  it('takes a Cluster, but not one whose offline queue would hold commands through an outage', () => {
    expect(() => createRedisStores(cluster(recommendedClusterOptions))).not.toThrow();
    expect(() => createRedisStores(cluster({}))).toThrow(
      /^portcullis: createRedisStores\(redis\): is a Cluster that queues commands.*; create it with enableOfflineQueue: false/,
    );
    expect(() =>
      createRedisStores(
        cluster({ ...recommendedClusterOptions, redisOptions: { maxRetriesPerRequest: null } }),
      ),
    ).toThrow(/^portcullis: createRedisStores\(redis\): can wait forever/);
  });

  it('refuses a key prefix that would split what must share a hash slot', () => {
    // Redis hashes what lies between the first `{` and the next `}`: the stores' own tags must be that.
    for (const prefix of ['app{', 'app{:', '{}:', 'a{}b{c}:', 'app:}{']) {
      expect(() => createRedisStores(client(recommendedRedisOptions), { prefix })).toThrow(
        /^portcullis: createRedisStores\.prefix: the key prefix .* opens a hash tag/,
      );
    }
    expect(() =>
      createRedisStores(client({ ...recommendedRedisOptions, keyPrefix: 'tenant{' }), { prefix: 'x}:' }),
    ).not.toThrow();
    expect(() =>
      createRedisStores(cluster({ ...recommendedClusterOptions, keyPrefix: 'tenant{' }), { prefix: 'app:' }),
    ).toThrow(/^portcullis: createRedisStores\.prefix: the key prefix .* opens a hash tag/);
    // A whole tag of its own puts every key in one slot: consistent, if not spread.
    for (const prefix of ['{app}:', 'app:}', 'app:}{x}']) {
      expect(() => createRedisStores(client(recommendedRedisOptions), { prefix })).not.toThrow();
    }
  });

  it('refuses a client that would wait forever during an outage', () => {
    expect(() => createRedisStores(client({ maxRetriesPerRequest: null }))).toThrow(
      /^portcullis: createRedisStores\(redis\): can wait forever/,
    );
    expect(() =>
      createRedisStores(client({ maxRetriesPerRequest: null, commandTimeout: 1000 })),
    ).not.toThrow();
    expect(() =>
      createRedisStores(client({ maxRetriesPerRequest: null, enableOfflineQueue: false })),
    ).not.toThrow();
  });
});
