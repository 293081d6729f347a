import type { RefreshFamily, RefreshTokenStore } from '@portcullis/core/stores';
import { probeService, uniqueId } from '@portcullis/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisRefreshTokenStore } from './refresh-token-store.js';
import { connect, deleteByPrefix, REDIS_URL, uniquePrefix } from './testing/redis.js';

const HOUR = 3_600_000;
const redis = await probeService('Redis', REDIS_URL);

describe.skipIf(!redis.available)('refresh rotation across connections', () => {
  let clients: [Redis, Redis];
  let prefix: string;
  let stores: [RefreshTokenStore, RefreshTokenStore];
  beforeAll(async () => {
    clients = [await connect(), await connect()];
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
  });
  beforeEach(() => {
    prefix = uniquePrefix();
    stores = [
      createRedisRefreshTokenStore(clients[0], { prefix }),
      createRedisRefreshTokenStore(clients[1], { prefix }),
    ];
  });
  afterEach(async () => {
    await deleteByPrefix(clients[0], prefix);
  });

  const newFamily = (now: number): RefreshFamily => ({
    id: uniqueId('fam'),
    subject: uniqueId('user'),
    createdAt: now,
    expiresAt: now + 24 * HOUR,
    revokedAt: null,
    data: {},
  });

  it('lets exactly one of 50 concurrent rotations from two connections succeed, then revokes on reuse', async () => {
    for (let round = 0; round < 5; round++) {
      const now = Date.now();
      const family = newFamily(now);
      const token = uniqueId('h');
      await stores[0].createFamily(family, token, now + HOUR);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % 2]!.rotate(token, uniqueId(`next${i}`), now + HOUR, now + 1),
        ),
      );
      const outcomes = results.map((result) => result.outcome);
      expect(outcomes.filter((o) => o === 'rotated')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'reused')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'invalid')).toHaveLength(48);
      const reused = results.find((result) => result.outcome === 'reused');
      expect(reused?.outcome === 'reused' && reused.family.revokedAt).toBe(now + 1);
      expect((await stores[1].findFamily(family.id))?.revokedAt).toBe(now + 1);
    }
  });

  it('keeps a chain of rotations consistent between connections', async () => {
    const now = Date.now();
    const family = newFamily(now);
    const tokens = Array.from({ length: 11 }, () => uniqueId('h'));
    await stores[0].createFamily(family, tokens[0]!, now + HOUR);
    for (let i = 0; i < 10; i++) {
      const result = await stores[i % 2]!.rotate(tokens[i]!, tokens[i + 1]!, now + HOUR, now + i);
      expect(result).toEqual({ outcome: 'rotated', family });
    }
    expect((await stores[1].findFamilyByToken(tokens[10]!))?.id).toBe(family.id);
    expect((await stores[0].rotate(tokens[3]!, uniqueId('h'), now + HOUR, now + 20)).outcome).toBe('reused');
    expect((await stores[1].rotate(tokens[10]!, uniqueId('h'), now + HOUR, now + 21)).outcome).toBe(
      'invalid',
    );
  });
});
