import type { IdentityRecord, IdentityStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { ms } from '../lib/ms.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

interface IdentityRow {
  issuer: string;
  subject: string;
  user_id: string;
  provider: string;
  email: string;
  created_at: string | number;
}

const COLUMNS = 'issuer, subject, user_id, provider, email, created_at';

function toRecord(row: IdentityRow): IdentityRecord {
  return {
    issuer: row.issuer,
    subject: row.subject,
    userId: row.user_id,
    provider: row.provider,
    email: row.email,
    createdAt: ms(row.created_at),
  };
}

/** @internal The store over an already wrapped connection and validated schema. */
export function identityStore(db: Queryable, t: Tables): IdentityStore {
  const find = `SELECT ${COLUMNS} FROM ${t.identities} WHERE issuer = $1 AND subject = $2`;
  // The primary key decides a race: only the first insert of a pair returns a row; the rest change nothing.
  const link = `INSERT INTO ${t.identities} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (issuer, subject) DO NOTHING RETURNING 1`;
  const byUser = `SELECT ${COLUMNS} FROM ${t.identities} WHERE user_id = $1
    ORDER BY created_at, issuer, subject`;
  const unlink = `DELETE FROM ${t.identities} WHERE issuer = $1 AND subject = $2 RETURNING 1`;
  return {
    async find(issuer, subject) {
      const { rows } = await db.query<IdentityRow>(find, [issuer, subject]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },
    async link(record) {
      const { rows } = await db.query(link, [
        record.issuer,
        record.subject,
        record.userId,
        record.provider,
        record.email,
        record.createdAt,
      ]);
      return rows.length > 0;
    },
    async listByUser(userId) {
      const { rows } = await db.query<IdentityRow>(byUser, [userId]);
      return rows.map(toRecord);
    },
    async unlink(issuer, subject) {
      const { rows } = await db.query(unlink, [issuer, subject]);
      return rows.length > 0;
    },
  };
}

/**
 * An `IdentityStore` in PostgreSQL (table `identities`, primary key `(issuer, subject)`): `link` is one
 * `INSERT … ON CONFLICT DO NOTHING`, so of concurrent first sign-ins with one provider account exactly one
 * links it. Identities never expire. Run `migrate` first.
 *
 * @example const identities = createPostgresIdentityStore(pool);
 */
export function createPostgresIdentityStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): IdentityStore {
  return identityStore(
    toQueryable(db, 'createPostgresIdentityStore'),
    tableNames(options.schema, 'createPostgresIdentityStore'),
  );
}
