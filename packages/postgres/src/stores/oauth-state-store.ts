import type { OAuthStateStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

/** @internal The store over an already wrapped connection and validated schema. */
export function oauthStateStore(db: Queryable, t: Tables): OAuthStateStore {
  // One statement: the primary key makes concurrent callbacks queue on the row, and only the insert — or
  // the takeover of an entry whose state has expired (not yet purged) — returns a row.
  const consume = `INSERT INTO ${t.oauthStates} (key, expires_at) VALUES ($1, $2)
    ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE ${t.oauthStates}.expires_at <= $3
    RETURNING 1`;
  return {
    async consume(key, expiresAt) {
      const { rowCount } = await db.query(consume, [key, Math.ceil(expiresAt), Date.now()]);
      return rowCount === 1;
    },
  };
}

/**
 * An `OAuthStateStore` in PostgreSQL (table `oauth_states`): each sign-in `state` is spent by exactly one
 * callback, whichever app instance receives it (`INSERT … ON CONFLICT`). Expired rows are removed by
 * `purgeExpired`. Run `migrate` first.
 *
 * @example const oauthStates = createPostgresOAuthStateStore(pool);
 */
export function createPostgresOAuthStateStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): OAuthStateStore {
  return oauthStateStore(
    toQueryable(db, 'createPostgresOAuthStateStore'),
    tableNames(options.schema, 'createPostgresOAuthStateStore'),
  );
}
