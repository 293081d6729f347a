import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { PostgresDatabase } from '../database.js';
import { toQueryable } from '../lib/queryable.js';

/** The server the integration tests use (trust auth). */
export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name per setup, so tests and concurrent runs never share tables. */
export function testSchema(): string {
  return `pc_test_${randomBytes(6).toString('hex')}`;
}

/** A pool on the test server; idle-client errors (a server restart) must not crash the test process. */
export function testPool(max = 10): Pool {
  const pool = new Pool({ connectionString: DATABASE_URL, max });
  pool.on('error', () => {});
  return pool;
}

export async function dropSchema(db: PostgresDatabase, schema: string): Promise<void> {
  await toQueryable(db).query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Starting PGlite (PostgreSQL in WASM) takes seconds, more on a busy machine: start it in `beforeAll` with this timeout. */
export const PGLITE_START_TIMEOUT = 60_000;

/** A ready PGlite: in memory, or persisted in `dir`. */
export async function startPGlite(dir?: string): Promise<PGlite> {
  const db = new PGlite(dir);
  await db.waitReady;
  return db;
}

/**
 * Declares `behaviour` twice: on an in-memory PGlite, and on a pool of the PostgreSQL server when it is
 * reachable (`serverAvailable`, from `probeService`, which fails under CI=true instead of skipping).
 */
export function describeOnBoth(
  title: string,
  serverAvailable: boolean,
  behaviour: (db: () => PostgresDatabase) => void,
  poolSize = 2,
): void {
  describe(`${title} on PGlite`, () => {
    let lite: PGlite | undefined;
    beforeAll(async () => {
      lite = await startPGlite();
    }, PGLITE_START_TIMEOUT);
    afterAll(async () => {
      await lite?.close();
    });
    behaviour(() => lite!);
  });
  describe.skipIf(!serverAvailable)(`${title} on a PostgreSQL server`, () => {
    let pool: Pool | undefined;
    afterAll(async () => {
      await pool?.end();
    });
    behaviour(() => {
      pool ??= testPool(poolSize);
      return pool;
    });
  });
}
