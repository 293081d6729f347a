import type { ApiKeyRecord, ApiKeyStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { ms, msOrNull } from '../lib/ms.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

interface ApiKeyRow {
  id: string;
  owner_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  hash: string;
  created_at: string | number;
  expires_at: string | number | null;
  revoked_at: string | number | null;
  last_used_at: string | number | null;
  rolled_from: string | null;
}

const COLUMNS =
  'id, owner_id, name, prefix, scopes, hash, created_at, expires_at, revoked_at, last_used_at, rolled_from';

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    prefix: row.prefix,
    scopes: [...row.scopes],
    hash: row.hash,
    createdAt: ms(row.created_at),
    expiresAt: msOrNull(row.expires_at),
    revokedAt: msOrNull(row.revoked_at),
    lastUsedAt: msOrNull(row.last_used_at),
    rolledFrom: row.rolled_from,
  };
}

/** @internal The store over an already wrapped connection and validated schema. */
export function apiKeyStore(db: Queryable, t: Tables): ApiKeyStore {
  const insert = `INSERT INTO ${t.apiKeys} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11)`;
  const byId = `SELECT ${COLUMNS} FROM ${t.apiKeys} WHERE id = $1`;
  const byOwner = `SELECT ${COLUMNS} FROM ${t.apiKeys} WHERE owner_id = $1 ORDER BY created_at DESC, id DESC`;
  // One fixed statement for every patch: a flag per field says whether to set it, so no SQL is assembled.
  const update = `UPDATE ${t.apiKeys} SET
      expires_at = CASE WHEN $2::boolean THEN $3::bigint ELSE expires_at END,
      revoked_at = CASE WHEN $4::boolean THEN $5::bigint ELSE revoked_at END,
      last_used_at = CASE WHEN $6::boolean THEN $7::bigint ELSE last_used_at END
    WHERE id = $1 RETURNING id`;
  return {
    async create(record) {
      await db.query(insert, [
        record.id,
        record.ownerId,
        record.name,
        record.prefix,
        record.scopes,
        record.hash,
        record.createdAt,
        record.expiresAt,
        record.revokedAt,
        record.lastUsedAt,
        record.rolledFrom,
      ]);
    },
    async findById(id) {
      const { rows } = await db.query<ApiKeyRow>(byId, [id]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },
    async listByOwner(ownerId) {
      const { rows } = await db.query<ApiKeyRow>(byOwner, [ownerId]);
      return rows.map(toRecord);
    },
    async update(id, patch) {
      const { rows } = await db.query(update, [
        id,
        patch.expiresAt !== undefined,
        patch.expiresAt ?? null,
        patch.revokedAt !== undefined,
        patch.revokedAt ?? null,
        patch.lastUsedAt !== undefined,
        patch.lastUsedAt ?? null,
      ]);
      return rows.length > 0;
    },
  };
}

/**
 * An `ApiKeyStore` in PostgreSQL (table `api_keys`). `findById` is one primary-key lookup; `listByOwner`
 * reads the `(owner_id, created_at DESC, id DESC)` index. Run `migrate` first.
 *
 * @example const apiKeys = createPostgresApiKeyStore(pool, { schema: 'portcullis' });
 */
export function createPostgresApiKeyStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): ApiKeyStore {
  return apiKeyStore(
    toQueryable(db, 'createPostgresApiKeyStore'),
    tableNames(options.schema, 'createPostgresApiKeyStore'),
  );
}
