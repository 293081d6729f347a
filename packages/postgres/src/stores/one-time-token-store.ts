import type { OneTimeTokenPurpose, OneTimeTokenRecord, OneTimeTokenStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { ms } from '../lib/ms.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

interface OneTimeTokenRow {
  hash: string;
  purpose: OneTimeTokenPurpose;
  subject: string;
  email: string;
  created_at: string | number;
  expires_at: string | number;
}

const COLUMNS = 'hash, purpose, subject, email, created_at, expires_at';

function toRecord(row: OneTimeTokenRow): OneTimeTokenRecord {
  return {
    hash: row.hash,
    purpose: row.purpose,
    subject: row.subject,
    email: row.email,
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
  };
}

/** @internal The store over an already wrapped connection and validated schema. */
export function oneTimeTokenStore(db: Queryable, t: Tables): OneTimeTokenStore {
  // One row per (subject, purpose): the upsert replaces an earlier token of the pair in the same statement.
  const issue = `INSERT INTO ${t.oneTimeTokens} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (subject, purpose) DO UPDATE SET hash = EXCLUDED.hash, email = EXCLUDED.email,
      created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`;
  // One statement: concurrent consumers queue on the row and only the first still finds it. A token of
  // another purpose, or expired at `now`, matches nothing and stays.
  const consume = `DELETE FROM ${t.oneTimeTokens} WHERE hash = $1 AND purpose = $2 AND expires_at > $3
    RETURNING ${COLUMNS}`;
  const revokeSubject = `DELETE FROM ${t.oneTimeTokens} WHERE subject = $1`;
  return {
    async issue(record) {
      await db.query(issue, [
        record.hash,
        record.purpose,
        record.subject,
        record.email,
        record.createdAt,
        record.expiresAt,
      ]);
    },
    async consume(hash, purpose, now) {
      const { rows } = await db.query<OneTimeTokenRow>(consume, [hash, purpose, now]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },
    async revokeSubject(subject) {
      await db.query(revokeSubject, [subject]);
    },
  };
}

/**
 * A `OneTimeTokenStore` in PostgreSQL (table `one_time_tokens`): `issue` is one upsert on `(subject,
 * purpose)`, so only the newest mail's token works; `consume` is one `DELETE … RETURNING`, so of any number
 * of concurrent uses of a token, on any app instance, exactly one gets the record. Expired rows are removed
 * by `purgeExpired`. Run `migrate` first.
 *
 * @example const oneTimeTokens = createPostgresOneTimeTokenStore(pool);
 */
export function createPostgresOneTimeTokenStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): OneTimeTokenStore {
  return oneTimeTokenStore(
    toQueryable(db, 'createPostgresOneTimeTokenStore'),
    tableNames(options.schema, 'createPostgresOneTimeTokenStore'),
  );
}
