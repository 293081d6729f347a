import { spawnSync } from 'node:child_process';
import { type AuthStores, isAuthError } from '@portcullis/core';
import { guardStore } from '@portcullis/core/stores';
import { uniqueId } from '@portcullis/testkit';
import type { Redis, RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { connect, type OwnRedisServer, startOwnRedisServer } from './testing/redis.js';

const HOUR = 3_600_000;

function hasRedisServer(): boolean {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env['CI'] === 'true')
    throw new Error('redis-server is not installed, and CI=true: the outage tests must run');
  console.warn('[portcullis] skipping Redis outage tests: redis-server is not installed');
  return false;
}

/** Runs `call`, and resolves how long it took to reject (it must reject). */
async function msToReject(call: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  const outcome = await call().then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return Date.now() - started;
}

/** Retries `call` until it succeeds, for at most `timeoutMs`. */
async function eventually<T>(call: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const check = (subject: string) => ({
  tokenId: uniqueId('jti'),
  sessionId: uniqueId('sid'),
  subject,
  issuedAt: Date.now(),
});

describe.skipIf(!hasRedisServer())(
  'when Redis fails (a redis-server of the test’s own: killed, restarted, paused)',
  () => {
    let server: OwnRedisServer;
    let client: Redis | undefined;
    beforeAll(async () => {
      server = await startOwnRedisServer();
    });
    afterEach(async () => {
      server.resume();
      client?.disconnect();
      client = undefined;
      await server.restart().catch(() => undefined);
    });
    afterAll(async () => {
      await server?.kill();
    });

    async function exercise(options: RedisOptions, stores: (redis: Redis) => AuthStores) {
      client = await connect(server.url, options);
      const auth = stores(client);
      const subject = uniqueId('user');
      const now = Date.now();
      const family = {
        id: uniqueId('fam'),
        subject,
        createdAt: now,
        expiresAt: now + HOUR,
        revokedAt: null,
        data: {},
      };
      const limiter = auth.rateLimiter({ keyPrefix: 'login', points: 100, duration: 60 });
      expect(await auth.revocations.isRevoked(check(subject), now)).toBe(false);
      await auth.refreshTokens.createFamily(family, 't1', now + HOUR);
      await limiter.consume('alice');

      await server.kill();
      expect(await msToReject(async () => auth.revocations.isRevoked(check(subject), now))).toBeLessThan(
        2000,
      );
      expect(await msToReject(() => auth.refreshTokens.rotate('t1', 't2', now + HOUR, now))).toBeLessThan(
        2000,
      );
      expect(await msToReject(() => auth.sessions.get('anything', now))).toBeLessThan(2000);
      // A rate limiter rejects with an Error (→ 503), not with a RateLimiterRes (→ 429) nor by letting it pass.
      expect(await msToReject(() => limiter.consume('alice'))).toBeLessThan(2000);
      // What createAuth makes of it: 503 temporarily_unavailable.
      const guarded = guardStore(auth.revocations);
      const error = await Promise.resolve(guarded.isRevoked(check(subject), now)).catch((e: unknown) => e);
      expect(isAuthError(error) && error.code).toBe('temporarily_unavailable');

      await server.restart();
      // The same client reconnects by itself. The new server is empty (no persistence): scripts are loaded
      // again by EVAL when EVALSHA finds them missing.
      expect(await eventually(async () => auth.revocations.isRevoked(check(subject), Date.now()))).toBe(
        false,
      );
      await auth.refreshTokens.createFamily({ ...family, id: uniqueId('fam') }, 't3', now + HOUR);
      expect((await auth.refreshTokens.rotate('t3', 't4', now + HOUR, now + 1)).outcome).toBe('rotated');
      await expect(limiter.consume('alice')).resolves.toMatchObject({ consumedPoints: 1 });
    }

    it(
      'fails fast and recovers with the recommended options (no offline queue)',
      () => exercise({}, (redis) => createRedisStores(redis, { prefix: uniqueId('outage') + ':' })),
      30_000,
    );

    it(
      'fails within commandTimeout and recovers with the offline queue on',
      () =>
        exercise({ enableOfflineQueue: true, commandTimeout: 500, maxRetriesPerRequest: 20 }, (redis) =>
          createRedisStores(redis),
        ),
      30_000,
    );

    it('fails within commandTimeout when Redis stops answering without closing the connection, and carries on', async () => {
      client = await connect(server.url);
      const auth = createRedisStores(client);
      const subject = uniqueId('user');
      const limiter = auth.rateLimiter({ keyPrefix: 'api', points: 100, duration: 60 });
      expect(await auth.revocations.isRevoked(check(subject), Date.now())).toBe(false);

      server.pause();
      const [revocation, limit] = await Promise.all([
        msToReject(async () => auth.revocations.isRevoked(check(subject), Date.now())),
        msToReject(() => limiter.consume('key-1')),
      ]);
      expect(revocation).toBeGreaterThanOrEqual(900);
      expect(revocation).toBeLessThan(2000);
      expect(limit).toBeLessThan(2000);

      server.resume();
      expect(await eventually(async () => auth.revocations.isRevoked(check(subject), Date.now()))).toBe(
        false,
      );
      await expect(limiter.consume('key-2')).resolves.toMatchObject({ consumedPoints: 1 });
    }, 30_000);
  },
);
