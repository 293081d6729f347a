import type { PostgresDatabase } from '../database.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames, validSchema } from '../lib/schema.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';

export interface MigrateOptions {
  /** The schema to create and migrate. Default `portcullis`. */
  schema?: string;
}

export interface MigrateResult {
  /** The versions this call applied, oldest first; empty when the schema was already up to date. */
  applied: number[];
  /** The schema's version afterwards. */
  version: number;
}

/** First key of the two-key advisory lock: "pcus", this package's namespace among the application's locks. */
const LOCK_NAMESPACE = 0x70637573;

/** FNV-1a of the schema name as a signed 32-bit integer: the lock's second key, so schemas migrate independently. */
function lockKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(schema)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

async function currentVersion(db: Queryable, t: Tables): Promise<number> {
  const { rows } = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    t.migrations,
  ]);
  if (rows[0]?.present !== true) return 0;
  const max = await db.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${t.migrations}`,
  );
  return Number(max.rows[0]?.version ?? 0);
}

/**
 * Creates the schema and its tables, or brings them up to date: every migration not yet recorded in the
 * schema's `migrations` table runs once, in one transaction with its record. Safe to call on every start
 * and from several processes at once: a transaction-scoped advisory lock (`pg_advisory_xact_lock`, per
 * schema) makes concurrent callers wait for each other, and an up-to-date schema is detected without the
 * lock or any DDL (so the application's role needs no CREATE privilege once migrated).
 *
 * @example
 * await migrate(pool, { schema: 'portcullis' }); // → { applied: [1], version: 1 } the first time
 */
export async function migrate(db: PostgresDatabase, options: MigrateOptions = {}): Promise<MigrateResult> {
  const queryable = toQueryable(db, 'migrate');
  const schema = validSchema(options.schema, 'migrate');
  const t = tableNames(schema);
  const before = await currentVersion(queryable, t);
  if (before >= LATEST_VERSION) return { applied: [], version: before };

  return queryable.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::integer, $2::integer)', [
      LOCK_NAMESPACE,
      lockKey(schema),
    ]);
    // From here on this transaction is the only migrator of the schema; each statement (READ COMMITTED)
    // sees whatever a migrator that held the lock before committed.
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at bigint NOT NULL
      )`,
    );
    const done = await tx.query<{ version: number }>(`SELECT version FROM ${t.migrations}`);
    const recorded = new Set(done.rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (recorded.has(migration.version)) continue;
      for (const statement of migration.up(t)) await tx.query(statement);
      await tx.query(`INSERT INTO ${t.migrations} (version, name, applied_at) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      applied.push(migration.version);
    }
    return { applied, version: Math.max(LATEST_VERSION, ...recorded) };
  });
}
