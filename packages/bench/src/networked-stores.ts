// Redis, PostgreSQL and PGlite stores for the throughput sections, each in a fresh schema or key prefix that is
// removed afterwards. A server that is not reachable is skipped with a printed note (the bench never fails on it).
import { PGlite } from '@electric-sql/pglite';
import type { AuthStores } from '@portcullis/core';
import { createPostgresStores } from '@portcullis/postgres';
import { createRedisStores, recommendedRedisOptions } from '@portcullis/redis';
import { isReachable } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface NamedStores {
  name: string;
  stores: AuthStores;
}

const unique = `bench_${process.pid}_${Date.now().toString(36)}`;

/** Opens every store backend reachable here; `close()` removes what the bench wrote. */
export async function openNetworkedStores(): Promise<{ list: NamedStores[]; close(): Promise<void> }> {
  const list: NamedStores[] = [];
  const closers: Array<() => Promise<unknown>> = [];

  if (await isReachable('127.0.0.1', 6379, 500)) {
    const redis = new Redis('redis://127.0.0.1:6379', recommendedRedisOptions);
    const prefix = `${unique}:`;
    list.push({ name: 'redis', stores: createRedisStores(redis, { prefix }) });
    closers.push(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    });
  } else {
    console.log('(Redis not reachable on 127.0.0.1:6379: its rows are skipped)');
  }

  if (await isReachable('127.0.0.1', 5432, 500)) {
    const pool = new pg.Pool({
      connectionString: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
      max: 4,
    });
    list.push({ name: 'postgres', stores: await createPostgresStores(pool, { schema: unique }) });
    closers.push(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${unique}" CASCADE`);
      await pool.end();
    });
  } else {
    console.log('(PostgreSQL not reachable on 127.0.0.1:5432: its rows are skipped)');
  }

  const pglite = await PGlite.create();
  list.push({ name: 'pglite', stores: await createPostgresStores(pglite) });
  closers.push(() => pglite.close());

  return {
    list,
    async close() {
      for (const close of closers) await close().catch(() => undefined);
    },
  };
}
