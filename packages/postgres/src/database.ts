/** One row set as `pg` and PGlite both return it. */
export interface DriverQueryResult {
  rows: unknown[];
  /** `pg`: rows returned or affected. */
  rowCount?: number | null;
  /** PGlite: rows affected by an `INSERT`/`UPDATE`/`DELETE`. */
  affectedRows?: number;
}

/** A checked-out `pg` connection: what `Pool.connect()` resolves. */
export interface PgPoolClient {
  query(text: string, values?: unknown[]): Promise<DriverQueryResult>;
  release(err?: Error | boolean): void;
}

/**
 * The part of a `pg` `Pool` this package uses, written out so that its types need neither `pg` nor
 * `@types/pg` installed. A `pg.Pool` (or a pool that extends it) fits; a single `pg.Client` does not, since
 * one connection cannot run concurrent transactions.
 */
export interface PgPool {
  query(text: string, values?: unknown[]): Promise<DriverQueryResult>;
  connect(): Promise<PgPoolClient>;
  /** Present on every `pg.Pool`; tells a pool from a single `Client`. */
  readonly totalCount: number;
}

/** The part of a PGlite transaction this package uses. */
export interface PGliteTransaction {
  query(text: string, params?: unknown[]): Promise<DriverQueryResult>;
}

/** The part of a PGlite instance (`@electric-sql/pglite`) this package uses. */
export interface PGliteDatabase {
  query(text: string, params?: unknown[]): Promise<DriverQueryResult>;
  transaction<T>(callback: (tx: PGliteTransaction) => Promise<T>): Promise<T>;
}

/**
 * What the stores run on: a `pg` `Pool` (a PostgreSQL server) or a PGlite instance (PostgreSQL in WASM,
 * in-process). The same SQL serves both.
 *
 * @example
 * const db: PostgresDatabase = new Pool({ connectionString: process.env.DATABASE_URL });
 * const local: PostgresDatabase = new PGlite('./.data/auth');
 */
export type PostgresDatabase = PgPool | PGliteDatabase;
