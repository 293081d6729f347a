import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isAuthError } from '@portcullis/core';
import { guardStore } from '@portcullis/core/stores';
import { probeRedisCluster, type RedisCluster, startRedisCluster, uniqueId } from '@portcullis/testkit';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { connectCluster, uniquePrefix } from './testing/redis.js';

const HOUR = 3_600_000;
const run = promisify(execFile);
const tools = probeRedisCluster();

/** How a call ended, and how long it took. */
async function timed(call: () => Promise<unknown>) {
  const started = Date.now();
  const outcome = await call().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: Date.now() - started };
}

const check = (subject: string) => ({ tokenId: undefined, sessionId: undefined, subject, issuedAt: 0 });

describe.skipIf(!tools.available)(
  'when masters of a Redis Cluster fail (a cluster of the test’s own)',
  () => {
    let cluster: RedisCluster;
    let client: Cluster;
    beforeAll(async () => {
      cluster = await startRedisCluster({ masters: 3 });
      client = await connectCluster(cluster.nodes);
    }, 60_000);
    afterAll(async () => {
      client?.disconnect();
      await cluster?.stop();
    });

    const shutDown = (port: number) =>
      run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave']).catch(() => undefined);

    it('fails within 2 s — never hangs — on the slots of a lost master, and on all of them once every master is lost', async () => {
      const stores = createRedisStores(client, { prefix: uniquePrefix() });
      const subjects = Array.from({ length: 30 }, () => uniqueId('user'));
      for (const subject of subjects)
        expect(await stores.revocations.isRevoked(check(subject), 0)).toBe(false);

      await shutDown(cluster.nodes[0]!.port);
      const partial = await Promise.all(
        subjects.map((s) => timed(async () => stores.revocations.isRevoked(check(s), 0))),
      );
      for (const { ms } of partial) expect(ms).toBeLessThan(2000);
      // The subjects on the lost master's slots fail; the others are still answered.
      expect(partial.filter(({ error }) => error instanceof Error).length).toBeGreaterThan(0);
      expect(partial.filter(({ value }) => value === false).length).toBeGreaterThan(0);
      const lost = subjects[partial.findIndex(({ error }) => error !== undefined)]!;
      const guarded = guardStore(stores.revocations);
      const refused = await Promise.resolve(guarded.isRevoked(check(lost), 0)).catch(
        (error: unknown) => error,
      );
      expect(isAuthError(refused) && refused.code).toBe('temporarily_unavailable');

      await Promise.all(cluster.nodes.slice(1).map((node) => shutDown(node.port)));
      const now = Date.now();
      const family = {
        id: uniqueId('fam'),
        subject: lost,
        createdAt: now,
        expiresAt: now + HOUR,
        revokedAt: null,
      };
      const limiter = stores.rateLimiter({ keyPrefix: 'login', points: 5, duration: 60 });
      const calls = [
        () => stores.revocations.isRevoked(check(lost), now),
        () => stores.refreshTokens.createFamily({ ...family, data: {} }, uniqueId('rt'), now + HOUR),
        () => stores.refreshTokens.rotate(uniqueId('rt'), uniqueId('rt'), now + HOUR, now),
        () => stores.sessions.get(uniqueId('sid'), now),
        () => stores.identities.find('https://idp.example.test', lost),
        // A limiter must reject with an Error (→ 503), never with a RateLimiterRes (→ 429) nor let it pass.
        () => limiter.consume(lost),
      ];
      for (const call of calls) {
        const { error, ms } = await timed(async () => call());
        expect(error).toBeInstanceOf(Error);
        expect(ms).toBeLessThan(2000);
      }
    }, 30_000);
  },
);
