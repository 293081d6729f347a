import { optionError } from '@portcullis/core/adapter';
import type {
  DriverQueryResult,
  PGliteDatabase,
  PGliteTransaction,
  PgPool,
  PostgresDatabase,
} from '../database.js';

export interface QueryResult<R> {
  rows: R[];
  /** Rows returned, or affected by a statement without `RETURNING`. */
  rowCount: number;
}

/** The one interface every store speaks: the same SQL runs on `pg` and on PGlite. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

function normalize<R>(result: DriverQueryResult): QueryResult<R> {
  const rows = result.rows as R[];
  const rowCount = rows.length > 0 ? rows.length : (result.rowCount ?? result.affectedRows ?? 0);
  return { rows, rowCount };
}

function isPool(db: PostgresDatabase): db is PgPool {
  return typeof (db as Partial<PgPool>).connect === 'function';
}

function isPGlite(db: PostgresDatabase): db is PGliteDatabase {
  return typeof (db as Partial<PGliteDatabase>).transaction === 'function';
}

function fromPool(pool: PgPool): Queryable {
  return {
    async query(text, params = []) {
      return normalize(await pool.query(text, [...params]));
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          async query(text, params = []) {
            return normalize(await client.query(text, [...params]));
          },
          transaction: (inner) => inner(tx),
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error('ROLLBACK failed');
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

function fromPGliteTransaction(tx: PGliteTransaction): Queryable {
  const queryable: Queryable = {
    async query(text, params = []) {
      return normalize(await tx.query(text, [...params]));
    },
    // PGlite has one connection and no savepoint helper: a nested call joins the open transaction.
    transaction: (fn) => fn(queryable),
  };
  return queryable;
}

function fromPGlite(db: PGliteDatabase): Queryable {
  return {
    async query(text, params = []) {
      return normalize(await db.query(text, [...params]));
    },
    transaction: (fn) => db.transaction((tx) => fn(fromPGliteTransaction(tx))),
  };
}

/** Wraps a `pg` Pool or a PGlite instance; a `TypeError` for anything else (a misused option crashes early). */
export function toQueryable(db: PostgresDatabase, caller = 'createPostgresStores'): Queryable {
  const option = `${caller}(db)`;
  const fix = 'pass a pg Pool (new pg.Pool(…)) or a PGlite instance';
  if (typeof db !== 'object' || db === null || typeof db.query !== 'function') {
    throw optionError(option, 'is neither a pg Pool nor a PGlite instance', fix);
  }
  if (isPool(db)) {
    if (!('totalCount' in db)) {
      throw optionError(
        option,
        'is a single pg Client, not a Pool: one connection cannot run concurrent transactions',
        fix,
      );
    }
    return fromPool(db);
  }
  if (isPGlite(db)) return fromPGlite(db);
  throw optionError(option, 'is neither a pg Pool nor a PGlite instance', fix);
}
