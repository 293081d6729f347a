import type { MfaFactorsRecord, MfaStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { ms } from '../lib/ms.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

interface FactorsRow {
  user_id: string;
  version: number | string;
  data: string;
  updated_at: string | number;
}

function toRecord(row: FactorsRow): MfaFactorsRecord {
  return { userId: row.user_id, version: Number(row.version), data: row.data, updatedAt: ms(row.updated_at) };
}

/** @internal The store over an already wrapped connection and validated schema. */
export function mfaStore(db: Queryable, t: Tables): MfaStore {
  // `data::text`: the document as JSON text, which is what the interface carries (jsonb keeps the document,
  // not its exact spelling: spacing and key order are PostgreSQL's).
  const getFactors = `SELECT user_id, version, data::text AS data, updated_at FROM ${t.mfaFactors}
    WHERE user_id = $1`;
  // Version 0 means "nothing stored": only the first of concurrent first savers inserts the row.
  const insertFirst = `INSERT INTO ${t.mfaFactors} (user_id, version, data, updated_at)
    VALUES ($1, 1, $2::jsonb, $3) ON CONFLICT (user_id) DO NOTHING RETURNING version`;
  // Otherwise compare-and-set: the row lock orders writers, and each loser's re-checked condition fails.
  const replace = `UPDATE ${t.mfaFactors} SET version = version + 1, data = $2::jsonb, updated_at = $3
    WHERE user_id = $1 AND version = $4 RETURNING version`;
  const deleteFactors = `DELETE FROM ${t.mfaFactors} WHERE user_id = $1`;
  const putChallenge = `INSERT INTO ${t.mfaChallenges} (key, value, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`;
  const peekChallenge = `SELECT value FROM ${t.mfaChallenges} WHERE key = $1 AND expires_at > $2`;
  // One statement: concurrent takers queue on the row and only the first still finds it. A challenge
  // expired at `now` matches nothing and stays, for purgeExpired.
  const takeChallenge = `DELETE FROM ${t.mfaChallenges} WHERE key = $1 AND expires_at > $2 RETURNING value`;
  return {
    async getFactors(userId) {
      const { rows } = await db.query<FactorsRow>(getFactors, [userId]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },
    async saveFactors(userId, data, expectedVersion, now) {
      const { rowCount } =
        expectedVersion === 0
          ? await db.query(insertFirst, [userId, data, now])
          : await db.query(replace, [userId, data, now, expectedVersion]);
      return rowCount > 0;
    },
    async deleteFactors(userId) {
      await db.query(deleteFactors, [userId]);
    },
    async putChallenge(key, value, expiresAt) {
      await db.query(putChallenge, [key, value, expiresAt]);
    },
    async peekChallenge(key, now) {
      const { rows } = await db.query<{ value: string }>(peekChallenge, [key, now]);
      return rows[0]?.value ?? null;
    },
    async takeChallenge(key, now) {
      const { rows } = await db.query<{ value: string }>(takeChallenge, [key, now]);
      return rows[0]?.value ?? null;
    },
  };
}

/**
 * An `MfaStore` in PostgreSQL (tables `mfa_factors`, `mfa_challenges`). A user's factors are one `jsonb`
 * row saved by compare-and-set on its version — an `INSERT … ON CONFLICT DO NOTHING` for the first save, an
 * `UPDATE … WHERE version = $expected` after it — so of any number of concurrent saves at one version, on
 * any app instance, exactly one is stored. A challenge is spent by one `DELETE … RETURNING`, so exactly one
 * of concurrent takers gets it. Expired challenges are removed by `purgeExpired`; factors never expire.
 * Run `migrate` first.
 *
 * @example const mfa = createPostgresMfaStore(pool);
 */
export function createPostgresMfaStore(db: PostgresDatabase, options: PostgresStoreOptions = {}): MfaStore {
  return mfaStore(
    toQueryable(db, 'createPostgresMfaStore'),
    tableNames(options.schema, 'createPostgresMfaStore'),
  );
}
