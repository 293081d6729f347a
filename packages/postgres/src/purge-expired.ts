import { optionError } from '@portcullis/core/adapter';
import type { PostgresDatabase } from './database.js';
import { toQueryable } from './lib/queryable.js';
import { tableNames } from './lib/schema.js';
import type { PostgresStoreOptions } from './options.js';

export interface PurgeExpiredOptions extends PostgresStoreOptions {
  /** The moment (ms) before which rows count as expired. Default `Date.now()`. */
  now?: number;
}

/** How many rows `purgeExpired` deleted from each table. */
export interface PurgeExpiredResult {
  revocations: number;
  sessions: number;
  /** Expired refresh families; their tokens go with them. */
  refreshFamilies: number;
  rateLimits: number;
  /** Spent OAuth sign-in states whose state has expired. */
  oauthStates: number;
  /** Mailed one-time tokens (verification, reset) past their expiry, never used. */
  oneTimeTokens: number;
  /** MFA challenges (pending second steps, WebAuthn challenges) past their expiry, never taken. */
  mfaChallenges: number;
}

/**
 * Deletes what no store will ever read again: revocations past their `expires_at`, sessions past either
 * expiry, refresh families past their absolute expiry (with their tokens), rate-limit windows that have
 * ended, spent OAuth states past their expiry, and one-time tokens and MFA challenges past theirs. API keys,
 * sign-in identities and MFA factors are kept: revoked and expired keys stay listable, and deleting them is
 * the application's choice; identities and factors never expire. Queries already ignore these rows, so
 * running this is housekeeping, not correctness: schedule it (e.g. hourly) from one process.
 *
 * @example setInterval(() => purgeExpired(pool).catch(console.error), 3_600_000).unref();
 */
export async function purgeExpired(
  db: PostgresDatabase,
  options: PurgeExpiredOptions = {},
): Promise<PurgeExpiredResult> {
  const queryable = toQueryable(db, 'purgeExpired');
  const t = tableNames(options.schema, 'purgeExpired');
  const now = options.now ?? Date.now();
  if (!Number.isFinite(now))
    throw optionError(
      'purgeExpired.now',
      'must be a finite number of milliseconds',
      'omit it for Date.now()',
    );
  const count = async (sql: string) => (await queryable.query(sql, [now])).rowCount;
  return {
    revocations: await count(`DELETE FROM ${t.revocations} WHERE expires_at <= $1`),
    sessions: await count(
      `DELETE FROM ${t.sessions} WHERE idle_expires_at <= $1 OR absolute_expires_at <= $1`,
    ),
    refreshFamilies: await count(`DELETE FROM ${t.refreshFamilies} WHERE expires_at <= $1`),
    rateLimits: await count(`DELETE FROM ${t.rateLimits} WHERE expire <= $1`),
    oauthStates: await count(`DELETE FROM ${t.oauthStates} WHERE expires_at <= $1`),
    oneTimeTokens: await count(`DELETE FROM ${t.oneTimeTokens} WHERE expires_at <= $1`),
    mfaChallenges: await count(`DELETE FROM ${t.mfaChallenges} WHERE expires_at <= $1`),
  };
}
