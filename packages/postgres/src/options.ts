/**
 * The schema every table lives in unless told otherwise.
 *
 * @example await migrate(pool, { schema: DEFAULT_SCHEMA }); // the same as migrate(pool)
 */
export const DEFAULT_SCHEMA = 'portcullis';

/**
 * Options shared by every store factory of this package.
 *
 * @example createPostgresSessionStore(pool, { schema: 'auth' })
 */
export interface PostgresStoreOptions {
  /**
   * The PostgreSQL schema holding the tables. Default `portcullis`. Must match `/^[a-z_][a-z0-9_]{0,62}$/`;
   * anything else is a `TypeError` at start-up.
   */
  schema?: string;
}
