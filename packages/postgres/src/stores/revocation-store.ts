import type { RevocationStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

/** @internal The store over an already wrapped connection and validated schema. */
export function revocationStore(db: Queryable, t: Tables): RevocationStore {
  // A repeated revocation keeps the later expiry (and, for a subject, the later moment), never an earlier one.
  const revokeById = `INSERT INTO ${t.revocations} (kind, id, issued_before, expires_at) VALUES ($1, $2, NULL, $3)
    ON CONFLICT (kind, id) DO UPDATE SET expires_at = GREATEST(${t.revocations}.expires_at, EXCLUDED.expires_at)`;
  const revokeSubject = `INSERT INTO ${t.revocations} (kind, id, issued_before, expires_at)
    VALUES ('subject', $1, $2, $3)
    ON CONFLICT (kind, id) DO UPDATE SET
      issued_before = GREATEST(${t.revocations}.issued_before, EXCLUDED.issued_before),
      expires_at = GREATEST(${t.revocations}.expires_at, EXCLUDED.expires_at)`;
  // All three kinds in one round trip: each branch is a primary-key probe; expired rows never count.
  const isRevoked = `SELECT EXISTS (
      SELECT 1 FROM ${t.revocations}
      WHERE expires_at > $4 AND (
        (kind = 'token' AND id = $1)
        OR (kind = 'session' AND id = $2)
        OR (kind = 'subject' AND id = $3 AND issued_before > $5)
      )
    ) AS revoked`;
  return {
    async revokeToken(tokenId, expiresAt) {
      await db.query(revokeById, ['token', tokenId, expiresAt]);
    },
    async revokeSession(sessionId, expiresAt) {
      await db.query(revokeById, ['session', sessionId, expiresAt]);
    },
    async revokeSubject(subject, before, expiresAt) {
      await db.query(revokeSubject, [subject, before, expiresAt]);
    },
    async isRevoked(check, now) {
      const { rows } = await db.query<{ revoked: boolean }>(isRevoked, [
        check.tokenId ?? null,
        check.sessionId ?? null,
        check.subject,
        now,
        check.issuedAt,
      ]);
      // Fail closed: a reply without the row is a broken store, not a "no".
      const revoked = rows[0]?.revoked;
      if (typeof revoked !== 'boolean')
        throw new Error('@portcullis/postgres: revocation check returned no answer');
      return revoked;
    },
  };
}

/**
 * A `RevocationStore` in PostgreSQL (table `revocations`): denied token ids, sessions and subjects, each
 * kept until its `expires_at`. `isRevoked` is one query; expired rows are ignored and removed by
 * `purgeExpired`. Run `migrate` first.
 *
 * @example const revocations = createPostgresRevocationStore(pool);
 */
export function createPostgresRevocationStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): RevocationStore {
  return revocationStore(
    toQueryable(db, 'createPostgresRevocationStore'),
    tableNames(options.schema, 'createPostgresRevocationStore'),
  );
}
