import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, isReachable } from './net.js';
import type { ServiceProbe } from './services.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';
// A node's cluster bus listens on its port + 10000; neither may be the shared Redis on 6379.
const BUS_OFFSET = 10_000;
const SHARED_PORTS = new Set([6379, 6379 + BUS_OFFSET]);

/** A Redis Cluster of the test's own, on loopback ports, with nothing persisted. */
export interface RedisCluster {
  /** The masters, to give an ioredis `Cluster` as its startup nodes. */
  readonly nodes: readonly { host: string; port: number }[];
  /** The temporary directory holding the nodes' cluster configuration files. */
  readonly dir: string;
  /** How long starting, joining and waiting for `cluster_state:ok` took, in ms. */
  readonly startMs: number;
  /** Kills every node (SIGKILL: nothing is persisted) and removes the temporary directory. */
  stop(): Promise<void>;
}

/**
 * Checks that `redis-server` and `redis-cli` are installed, for `startRedisCluster`. When they are not, the
 * tests that need a cluster are skipped with a printed reason — except under `CI=true`, where this throws:
 * a missing server is a failure, never a skip.
 *
 * @example
 * const tools = probeRedisCluster();
 * describe.skipIf(!tools.available)('on a Redis Cluster', () => { … });
 */
export function probeRedisCluster(): ServiceProbe {
  const missing = ['redis-server', 'redis-cli'].filter(
    (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length === 0) return { available: true, reason: undefined };
  const reason = `${missing.join(' and ')} not installed`;
  if (process.env['CI'] === 'true')
    throw new Error(`${reason}, and CI=true: the Redis Cluster tests must run, not skip`);
  console.warn(`[portcullis] skipping Redis Cluster tests: ${reason}`);
  return { available: false, reason };
}

/**
 * Starts a Redis Cluster of `masters` nodes (at least 3, no replicas): one `redis-server --cluster-enabled
 * yes` per node on free loopback ports, in a temporary directory, joined by `redis-cli --cluster create`.
 * Resolves once every node reports `cluster_state:ok`; rejects, with the nodes' output, if that takes longer
 * than `timeoutMs`. The nodes are also killed if the test process exits without calling `stop`.
 *
 * @example
 * const cluster = await startRedisCluster({ masters: 3 });
 * const redis = new Cluster([...cluster.nodes], { ...recommendedClusterOptions, lazyConnect: true }); // @portcullis/redis
 * afterAll(() => cluster.stop());
 */
export async function startRedisCluster(
  options: { masters?: number; timeoutMs?: number } = {},
): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 3) {
    throw new TypeError('startRedisCluster: a cluster needs at least 3 masters');
  }
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 30_000);
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-redis-cluster-'));
  // Every process spawned, for cleanup — including one that lost its port and was replaced.
  const spawned: ClusterNode[] = [];
  const killAll = () => {
    for (const node of spawned) if (isRunning(node.process)) node.process.kill('SIGKILL');
  };
  process.once('exit', killAll);

  async function stop() {
    process.removeListener('exit', killAll);
    await Promise.all(
      spawned.map(async ({ process: child }) => {
        if (!isRunning(child)) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
    await rm(dir, { recursive: true, force: true });
  }

  let nodes: ClusterNode[] = [];
  try {
    const taken = new Set<number>();
    nodes = await Promise.all(
      Array.from({ length: masters }, () => startNode(dir, taken, deadline, spawned)),
    );
    const ports = nodes.map((node) => node.port);
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `${HOST}:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: Math.max(deadline - Date.now(), 1) },
    );
    await Promise.all(nodes.map((node) => untilClusterOk(node, deadline)));
  } catch (error) {
    const output = spawned.map((node) => `--- node ${node.port}\n${node.output()}`).join('\n');
    await stop();
    throw new Error(`startRedisCluster: ${(error as Error).message}\n${output}`);
  }
  return {
    nodes: nodes.map(({ port }) => ({ host: HOST, port })),
    dir,
    startMs: Date.now() - started,
    stop,
  };
}

interface ClusterNode {
  port: number;
  process: ChildProcess;
  /** The last few KB the node wrote, for the error message when the cluster does not come up. */
  output(): string;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function spawnNode(dir: string, port: number): ClusterNode {
  const child = spawn(
    'redis-server',
    [
      '--cluster-enabled',
      'yes',
      '--port',
      String(port),
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--bind',
      HOST,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4096);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  // A failed spawn (no binary) is reported by untilListening as an exit; it must not crash the test run.
  child.once('error', (error) => append(Buffer.from(String(error))));
  return { port, process: child, output: () => output };
}

/**
 * Spawns a node on a free port pair and waits until it listens. Another process may take the port between
 * the check and the node's bind, and the node then exits: it is tried again on another pair, up to 3 times.
 */
async function startNode(
  dir: string,
  taken: Set<number>,
  deadline: number,
  spawned: ClusterNode[],
): Promise<ClusterNode> {
  for (let attempt = 1; ; attempt++) {
    const node = spawnNode(dir, await clusterPort(taken));
    spawned.push(node);
    try {
      await untilListening(node, deadline);
      return node;
    } catch (error) {
      if (isRunning(node.process) || attempt === 3) throw error;
    }
  }
}

/** A free port whose cluster-bus port (port + 10000) is free too, and neither in `taken`; adds both. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await freePort(HOST);
    const bus = port + BUS_OFFSET;
    if (bus > 65_535 || [port, bus].some((p) => SHARED_PORTS.has(p) || taken.has(p))) continue;
    // Claimed before the await, so that nodes starting at once never pick the same pair.
    taken.add(port).add(bus);
    if (await canListen(bus)) return port;
    taken.delete(port);
    taken.delete(bus);
  }
  throw new Error(`no free port pair (port, port + ${BUS_OFFSET}) after 100 tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

async function untilListening(node: ClusterNode, deadline: number): Promise<void> {
  while (!(await isReachable(HOST, node.port, 200))) {
    if (!isRunning(node.process)) throw new Error(`redis-server on port ${node.port} exited`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${node.port} did not start in time`);
    await sleep(25);
  }
}

async function untilClusterOk(node: ClusterNode, deadline: number): Promise<void> {
  for (;;) {
    const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(node.port), 'cluster', 'info'], {
      timeout: 2000,
    });
    if (/^cluster_state:ok\r?$/m.test(stdout)) return;
    if (Date.now() > deadline) throw new Error(`node ${node.port} did not reach cluster_state:ok in time`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
