import { probeService, runStoreSuite } from '@portcullis/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { connect, deleteByPrefix, REDIS_URL, uniquePrefix } from './testing/redis.js';

const redis = await probeService('Redis', REDIS_URL);

describe.skipIf(!redis.available)('Redis stores', () => {
  let client: Redis;
  let prefixedClient: Redis;
  beforeAll(async () => {
    client = await connect();
    // The client's own keyPrefix is applied to the keys of commands, not to keys a Lua script builds: the
    // suite runs a second time through such a client to check that every key still lands in one place.
    prefixedClient = await connect(REDIS_URL, { keyPrefix: 'portcullis-test-client:' });
  });
  afterAll(async () => {
    await Promise.all([client?.quit(), prefixedClient?.quit()]);
  });

  runStoreSuite('Redis', async () => {
    const prefix = uniquePrefix();
    return { stores: createRedisStores(client, { prefix }), teardown: () => deleteByPrefix(client, prefix) };
  });

  runStoreSuite('Redis, client with keyPrefix', async () => {
    const prefix = uniquePrefix();
    return {
      stores: createRedisStores(prefixedClient, { prefix }),
      teardown: () => deleteByPrefix(prefixedClient, prefix),
    };
  });
});
