import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isReachable } from './net.js';
import { probeRedisCluster, startRedisCluster } from './redis-cluster.js';

const run = promisify(execFile);
const tools = probeRedisCluster();

async function clusterInfo(port: number): Promise<Record<string, string>> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
  return Object.fromEntries(stdout.split(/\r?\n/).map((line) => line.split(':') as [string, string]));
}

describe.skipIf(!tools.available)('startRedisCluster', () => {
  it('starts three masters that share all 16384 slots, and stops them without a trace', async () => {
    const cluster = await startRedisCluster({ masters: 3 });
    const ports = cluster.nodes.map((node) => node.port);
    try {
      expect(new Set(ports).size).toBe(3);
      expect(ports).not.toContain(6379);
      expect(existsSync(`${cluster.dir}/nodes-${ports[0]}.conf`)).toBe(true);
      for (const port of ports) {
        expect(await clusterInfo(port)).toMatchObject({
          cluster_state: 'ok',
          cluster_slots_assigned: '16384',
          cluster_known_nodes: '3',
          cluster_size: '3',
        });
      }
      // A key lives on the one node that owns its slot, wherever it was written.
      const { stdout } = await run('redis-cli', ['-c', '-p', String(ports[0]), 'set', 'probe', '1']);
      expect(stdout.trim()).toBe('OK');
      const sizes = await Promise.all(
        ports.map(async (port) => Number((await run('redis-cli', ['-p', String(port), 'dbsize'])).stdout)),
      );
      expect(sizes.sort()).toEqual([0, 0, 1]);
    } finally {
      await cluster.stop();
    }
    for (const port of ports) expect(await isReachable('127.0.0.1', port, 200)).toBe(false);
    expect(existsSync(cluster.dir)).toBe(false);
  }, 60_000);

  it('refuses fewer than three masters, which Redis Cluster cannot form', async () => {
    await expect(startRedisCluster({ masters: 2 })).rejects.toThrow(/at least 3 masters/);
  });
});
