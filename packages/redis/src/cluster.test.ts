import { type Auth, createAuth, createMemoryUserDirectory } from '@portcullis/core';
import type { AuthResponse } from '@portcullis/core/http';
import { createMemoryMailer } from '@portcullis/core/mail';
import {
  probeRedisCluster,
  type RedisCluster,
  runStoreSuite,
  startRedisCluster,
  uniqueId,
} from '@portcullis/testkit';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { connectCluster, deleteByPrefix, keysByServer, uniquePrefix } from './testing/redis.js';

const HOUR = 3_600_000;
const ORIGIN = 'http://127.0.0.1:3000';
const PASSWORD = 'correct horse battery staple';
const REFRESH_COOKIE = '__Host-portcullis-refresh';
const tools = probeRedisCluster();

describe.skipIf(!tools.available)('on a Redis Cluster of three masters (started by this test)', () => {
  let cluster: RedisCluster;
  let client: Cluster;
  let prefixedClient: Cluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    console.info(`[portcullis] Redis Cluster of 3 masters up in ${cluster.startMs} ms`);
    client = await connectCluster(cluster.nodes);
    // The suite runs a second time through a client with a keyPrefix of its own: ioredis adds it to every
    // key, so it takes part in the hash slot of keys without a tag.
    prefixedClient = await connectCluster(cluster.nodes, { keyPrefix: 'portcullis-test-client:' });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([client?.quit(), prefixedClient?.quit()]);
    await cluster?.stop();
  });

  runStoreSuite('Redis Cluster', async () => {
    const prefix = uniquePrefix();
    return { stores: createRedisStores(client, { prefix }), teardown: () => deleteByPrefix(client, prefix) };
  });

  runStoreSuite('Redis Cluster, client with keyPrefix', async () => {
    const prefix = uniquePrefix();
    return {
      stores: createRedisStores(prefixedClient, { prefix }),
      teardown: () => deleteByPrefix(prefixedClient, prefix),
    };
  });

  it('spreads families, sessions, tokens, revocations, counters and MFA keys over every master', async () => {
    const prefix = uniquePrefix();
    const stores = createRedisStores(client, { prefix });
    const now = Date.now();
    const limiter = stores.rateLimiter({ keyPrefix: 'login', points: 5, duration: 60 });
    for (let i = 0; i < 30; i++) {
      const subject = uniqueId('user');
      const family = { id: uniqueId('fam'), subject, createdAt: now, expiresAt: now + HOUR, revokedAt: null };
      await stores.refreshTokens.createFamily({ ...family, data: {} }, uniqueId('rt'), now + HOUR);
      await stores.sessions.create({
        idHash: uniqueId('sid'),
        subject,
        createdAt: now,
        absoluteExpiresAt: now + HOUR,
        idleExpiresAt: now + HOUR,
        data: {},
      });
      await stores.revocations.revokeToken(uniqueId('jti'), now + HOUR);
      await limiter.consume(subject);
      await stores.mfa!.saveFactors(subject, '{}', 0, now);
      await stores.mfa!.putChallenge(uniqueId('challenge'), subject, now + HOUR);
    }
    const perMaster = await keysByServer(client, prefix);
    expect(perMaster).toHaveLength(3);
    // 30 of each kind: a master holding none of a kind would mean one tag for all of them.
    for (const kind of [
      'rt:{family:',
      'rt:token-family:',
      'session:id:',
      'rev:jti:',
      'rl:login:',
      'mfa:factors:',
      'mfa:challenge:',
    ]) {
      const counts = perMaster.map((keys) => keys.filter((key) => key.startsWith(prefix + kind)).length);
      expect(counts.every((count) => count > 0)).toBe(true);
    }
    // …while a family and its tokens share one master.
    for (const keys of perMaster) {
      const families = keys.filter((key) => /^rt:\{family:[^}]*\}$/.test(key.slice(prefix.length)));
      for (const family of families) {
        expect(keys.filter((key) => key.startsWith(`${family}:token:`))).toHaveLength(1);
      }
    }
    await deleteByPrefix(client, prefix);
  });

  describe('two app instances sharing the cluster', () => {
    const prefix = uniquePrefix();
    const users = createMemoryUserDirectory();
    const mailer = createMemoryMailer();
    let clients: Cluster[] = [];
    let instances: [Auth, Auth];
    beforeAll(async () => {
      clients = [await connectCluster(cluster.nodes), await connectCluster(cluster.nodes)];
      const start = (redis: Cluster) =>
        createAuth({
          stores: createRedisStores(redis, { prefix }),
          users,
          issuer: ORIGIN,
          audience: 'portcullis-cluster-test',
          appOrigin: ORIGIN,
          apiKeys: { pepper: 'cluster-test-pepper-4kQ9zW2mX7rT5vB8nC3d' },
          registration: 'open',
          mail: { mailer },
        });
      // One after the other: the first generates the keyring in the cluster, the second adopts it.
      instances = [await start(clients[0]!), await start(clients[1]!)];
    }, 30_000);
    afterAll(async () => {
      await deleteByPrefix(client, prefix);
      await Promise.all(clients.map((redis) => redis.quit()));
    });

    async function call(auth: Auth, method: string, path: string, body?: unknown): Promise<AuthResponse> {
      const route = auth.routes.find((r) => r.method === method && r.path === path);
      if (route === undefined) throw new Error(`no route ${method} ${path}`);
      const headers = body === undefined ? {} : { 'content-type': 'application/json' };
      const text = body === undefined ? undefined : JSON.stringify(body);
      return route.handle({ method, url: path, headers, body: text, remoteAddress: '127.0.0.1' });
    }

    const refreshCookie = (response: AuthResponse) =>
      response.cookies
        .find((cookie) => cookie.startsWith(`${REFRESH_COOKIE}=`))
        ?.split(';')[0]
        ?.slice(REFRESH_COOKIE.length + 1);

    async function login(email: string) {
      expect((await call(instances[0], 'POST', '/auth/register', { email, password: PASSWORD })).status).toBe(
        201,
      );
      const response = await call(instances[1], 'POST', '/auth/login', { email, password: PASSWORD });
      expect(response.status).toBe(200);
      return refreshCookie(response)!;
    }

    const refresh = (auth: Auth, token: string) =>
      call(auth, 'POST', '/auth/refresh', { refresh_token: token });

    async function isAccepted(auth: Auth, accessToken: string): Promise<boolean> {
      const request = { method: 'GET', url: '/me', headers: { authorization: `Bearer ${accessToken}` } };
      return auth.authenticate(request).then(
        () => true,
        () => false,
      );
    }

    it('lets exactly one of 20 concurrent refreshes spread over both succeed, and the reuse revokes the family on both', async () => {
      const token = await login('race@example.test');
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => refresh(instances[i % 2]!, token)),
      );
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, ...Array<number>(19).fill(401)]);
      // The first refresh after the winner saw a spent token: reuse, so the whole family is revoked — the
      // winner's new token and access token included, on either instance.
      const winner = replies.find((reply) => reply.status === 200)!;
      const access = (winner.body as { access_token: string }).access_token;
      const next = refreshCookie(winner)!;
      for (const auth of instances) {
        expect((await refresh(auth, next)).status).toBe(401);
        expect(await isAccepted(auth, access)).toBe(false);
      }
    });

    it('revokes the family on both when a spent token is replayed on the other instance', async () => {
      const token = await login('replay@example.test');
      const rotated = await refresh(instances[0], token);
      expect(rotated.status).toBe(200);
      const access = (rotated.body as { access_token: string }).access_token;
      expect(await isAccepted(instances[1], access)).toBe(true);

      const replay = await refresh(instances[1], token);
      expect(replay.status).toBe(401);
      expect((replay.body as { error: string }).error).toBe('invalid_grant');
      for (const auth of instances) {
        expect((await refresh(auth, refreshCookie(rotated)!)).status).toBe(401);
        expect(await isAccepted(auth, access)).toBe(false);
      }
    });
  });
});
