import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort, isReachable, uniqueId } from '@portcullis/testkit';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { isCluster, type RedisClient } from '../lib/resolve-options.js';
import { recommendedClusterOptions } from '../recommended-cluster-options.js';
import { recommendedRedisOptions } from '../recommended-redis-options.js';

/** The shared Redis the integration tests use. Never flushed: tests write under their own prefix only. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for one test or fixture. */
export function uniquePrefix(): string {
  return `portcullis-test:${uniqueId('run')}:`;
}

/** A connected client with the recommended options. */
export async function connect(url = REDIS_URL, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, { ...recommendedRedisOptions, lazyConnect: true, ...options });
  // Connection errors are expected in the outage tests; the failed commands are what they check.
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}

/** A connected Cluster client with the recommended options, on a cluster's startup nodes. */
export async function connectCluster(
  nodes: readonly { host: string; port: number }[],
  options: ClusterOptions = {},
): Promise<Cluster> {
  const cluster = new Cluster([...nodes], { ...recommendedClusterOptions, lazyConnect: true, ...options });
  cluster.on('error', () => undefined);
  cluster.on('node error', () => undefined);
  await cluster.connect();
  return cluster;
}

/** The servers whose keys make up the client's data: itself, or every master of a cluster. */
function servers(redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes('master') : [redis];
}

/** The client's own keyPrefix, which SCAN replies carry and key arguments must not. */
function clientPrefix(redis: RedisClient): string {
  return redis.options.keyPrefix ?? '';
}

/** Every key under `pattern` on one server (SCAN's pattern is not given the client's keyPrefix by ioredis). */
async function scan(server: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under `prefix` (SCAN + UNLINK; never FLUSHDB — the server is shared). */
export async function deleteByPrefix(redis: RedisClient, prefix: string): Promise<void> {
  // UNLINK's keys are given the client's keyPrefix by ioredis: strip it from what SCAN found. One key per
  // UNLINK, since a cluster refuses one command on keys of several slots.
  const own = clientPrefix(redis);
  const pattern = `${(own + prefix).replace(/[*?[\]\\]/g, '\\$&')}*`;
  const keys = (await Promise.all(servers(redis).map((server) => scan(server, pattern)))).flat();
  await Promise.all(keys.map((key) => redis.unlink(key.slice(own.length))));
}

/** Every key under `prefix`, for assertions, on every server of the client (with its keyPrefix, if any). */
export async function keysUnder(redis: RedisClient, prefix: string): Promise<string[]> {
  return (await keysByServer(redis, prefix)).flat().sort();
}

/** The keys under `prefix` on each server of the client: one list per cluster master. */
export async function keysByServer(redis: RedisClient, prefix: string): Promise<string[][]> {
  return Promise.all(servers(redis).map((server) => scan(server, `${prefix}*`)));
}

/** A throwaway `redis-server` of this test's own (no persistence), to kill and restart at will. */
export interface OwnRedisServer {
  port: number;
  url: string;
  /** SIGKILL: an outage, not a shutdown. */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port, unless one of ours is already running. */
  restart(): Promise<void>;
  /** SIGSTOP: the server stops answering but the connection stays open, as in a network partition. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
}

export async function startOwnRedisServer(): Promise<OwnRedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function start() {
    if (running()) return;
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = started;
    const deadline = Date.now() + 5000;
    while (!(await isReachable('127.0.0.1', port))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function kill() {
    const current = child;
    if (current === undefined || !running()) return;
    child = undefined;
    const exited = once(current, 'exit');
    current.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}
