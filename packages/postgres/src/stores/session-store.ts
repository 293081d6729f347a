import type { SessionRecord, SessionStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { ms } from '../lib/ms.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

interface SessionRow {
  id_hash: string;
  subject: string;
  created_at: string | number;
  absolute_expires_at: string | number;
  idle_expires_at: string | number;
  data: Record<string, unknown>;
}

const COLUMNS = 'id_hash, subject, created_at, absolute_expires_at, idle_expires_at, data';

function toRecord(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    subject: row.subject,
    createdAt: ms(row.created_at),
    absoluteExpiresAt: ms(row.absolute_expires_at),
    idleExpiresAt: ms(row.idle_expires_at),
    data: { ...row.data },
  };
}

/** @internal The store over an already wrapped connection and validated schema. */
export function sessionStore(db: Queryable, t: Tables): SessionStore {
  const insert = `INSERT INTO ${t.sessions} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`;
  // A session past either expiry reads as absent; `purgeExpired` deletes it later.
  const get = `SELECT ${COLUMNS} FROM ${t.sessions}
    WHERE id_hash = $1 AND idle_expires_at > $2 AND absolute_expires_at > $2`;
  const touch = `UPDATE ${t.sessions} SET idle_expires_at = $2 WHERE id_hash = $1 RETURNING id_hash`;
  const remove = `DELETE FROM ${t.sessions} WHERE id_hash = $1`;
  const removeSubject = `DELETE FROM ${t.sessions} WHERE subject = $1`;
  return {
    async create(record) {
      await db.query(insert, [
        record.idHash,
        record.subject,
        record.createdAt,
        record.absoluteExpiresAt,
        record.idleExpiresAt,
        JSON.stringify(record.data),
      ]);
    },
    async get(idHash, now) {
      const { rows } = await db.query<SessionRow>(get, [idHash, now]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },
    async touch(idHash, idleExpiresAt) {
      const { rows } = await db.query(touch, [idHash, idleExpiresAt]);
      return rows.length > 0;
    },
    async delete(idHash) {
      await db.query(remove, [idHash]);
    },
    async deleteBySubject(subject) {
      await db.query(removeSubject, [subject]);
    },
  };
}

/**
 * A `SessionStore` in PostgreSQL (table `sessions`). `get` honours both the idle and the absolute expiry
 * against its `now` argument; dead rows are removed by `purgeExpired`. Run `migrate` first.
 *
 * @example const sessions = createPostgresSessionStore(pool);
 */
export function createPostgresSessionStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): SessionStore {
  return sessionStore(
    toQueryable(db, 'createPostgresSessionStore'),
    tableNames(options.schema, 'createPostgresSessionStore'),
  );
}
