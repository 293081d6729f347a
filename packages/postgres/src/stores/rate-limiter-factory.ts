import type { RateLimiterFactory } from '@portcullis/core/ratelimit';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { PostgresDatabase } from '../database.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { validSchema } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

/**
 * What `RateLimiterPostgres` calls: `client.query({ text, values, name })`, expecting `{ rows, rowCount }`.
 * Going through `Queryable` lets PGlite serve it too (its `query` takes `(text, params)`), and drops the
 * statement `name`: rate-limiter-flexible names statements by table alone, so two schemas on one pool would
 * otherwise collide in pg's per-connection prepared-statement cache.
 */
function limiterClient(db: Queryable) {
  return {
    query: (config: { text: string; values?: unknown[] }) => db.query(config.text, config.values ?? []),
  };
}

/** @internal The factory over an already wrapped connection and validated schema. */
export function rateLimiterFactory(db: Queryable, schema: string): RateLimiterFactory {
  const storeClient = limiterClient(db);
  return (spec) =>
    new RateLimiterPostgres({
      ...spec,
      storeClient,
      storeType: 'client',
      schemaName: schema,
      tableName: 'rate_limits',
      // `migrate` creates the table (with a text key); the limiter's own asynchronous CREATE TABLE would race
      // the first `consume` ("Table is not created yet") and need CREATE privilege at run time.
      tableCreated: true,
    });
}

/**
 * A `RateLimiterFactory` on PostgreSQL: rate-limiter-flexible's `RateLimiterPostgres`, every limiter in the
 * one table `rate_limits` (rows keyed `prefix:key`). `consume` is one atomic upsert with a fixed window;
 * a database failure rejects with an `Error` (no insurance limiter: it fails closed). Each limiter deletes
 * rows expired over an hour ago every five minutes (an unref'd timer); `purgeExpired` does it on demand.
 * Works on a pg Pool and on PGlite. Run `migrate` first.
 *
 * @example const limit = createRateLimit({ points: 100, duration: 60, keyPrefix: 'api', limiterFactory: createPostgresRateLimiterFactory(pool) });
 */
export function createPostgresRateLimiterFactory(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): RateLimiterFactory {
  return rateLimiterFactory(
    toQueryable(db, 'createPostgresRateLimiterFactory'),
    validSchema(options.schema, 'createPostgresRateLimiterFactory'),
  );
}
