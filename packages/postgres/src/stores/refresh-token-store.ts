import type { RefreshFamily, RefreshTokenStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '../database.js';
import { ms, msOrNull } from '../lib/ms.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

interface FamilyRow {
  id: string;
  subject: string;
  created_at: string | number;
  expires_at: string | number;
  revoked_at: string | number | null;
  data: Record<string, unknown>;
}

interface TokenStateRow extends FamilyRow {
  spent_at: string | number | null;
}

interface FoundTokenRow extends TokenStateRow {
  token_expires_at: string | number;
}

const FAMILY_COLUMNS = 'id, subject, created_at, expires_at, revoked_at, data';

function toFamily(row: FamilyRow): RefreshFamily {
  return {
    id: row.id,
    subject: row.subject,
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    revokedAt: msOrNull(row.revoked_at),
    data: { ...row.data },
  };
}

/** @internal The store over an already wrapped connection and validated schema. */
export function refreshTokenStore(db: Queryable, t: Tables): RefreshTokenStore {
  // One statement inserts the family and its first token: atomic without a transaction.
  const createFamily = `WITH family AS (
      INSERT INTO ${t.refreshFamilies} (${FAMILY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id
    )
    INSERT INTO ${t.refreshTokens} (hash, family_id, expires_at) SELECT $7::text, id, $8::bigint FROM family`;

  // The happy path of rotate, in one statement. The UPDATE takes the token row's lock: concurrent rotations
  // of the same token queue on it, and each later one re-checks `spent_at IS NULL` against the committed
  // row (READ COMMITTED), finds it spent and updates nothing. So exactly one rotates.
  const spendAndIssue = `WITH spent AS (
      UPDATE ${t.refreshTokens} AS tok SET spent_at = $4
      FROM ${t.refreshFamilies} AS fam
      WHERE tok.hash = $1 AND tok.spent_at IS NULL AND tok.expires_at > $4
        AND fam.id = tok.family_id AND fam.revoked_at IS NULL AND fam.expires_at > $4
      RETURNING fam.id, fam.subject, fam.created_at, fam.expires_at, fam.revoked_at, fam.data
    ), issued AS (
      INSERT INTO ${t.refreshTokens} (hash, family_id, expires_at) SELECT $2::text, id, $3::bigint FROM spent
    )
    SELECT ${FAMILY_COLUMNS} FROM spent`;
  // Why a token was not rotated: unknown, spent, expired, or its family revoked or expired.
  const tokenState = `SELECT tok.spent_at, fam.id, fam.subject, fam.created_at, fam.expires_at, fam.revoked_at, fam.data
    FROM ${t.refreshTokens} AS tok JOIN ${t.refreshFamilies} AS fam ON fam.id = tok.family_id
    WHERE tok.hash = $1`;
  // Reuse revokes the family; the `revoked_at IS NULL` condition lets only the first of concurrent reusers
  // win (the others wait on the family row, then update nothing and report `invalid`).
  const revokeForReuse = `UPDATE ${t.refreshFamilies} SET revoked_at = $2
    WHERE id = $1 AND revoked_at IS NULL RETURNING ${FAMILY_COLUMNS}`;
  const familyByToken = `SELECT fam.id, fam.subject, fam.created_at, fam.expires_at, fam.revoked_at, fam.data
    FROM ${t.refreshTokens} AS tok JOIN ${t.refreshFamilies} AS fam ON fam.id = tok.family_id
    WHERE tok.hash = $1`;
  const tokenById = `SELECT tok.spent_at, tok.expires_at AS token_expires_at, fam.id, fam.subject, fam.created_at,
      fam.expires_at, fam.revoked_at, fam.data
    FROM ${t.refreshTokens} AS tok JOIN ${t.refreshFamilies} AS fam ON fam.id = tok.family_id
    WHERE tok.hash = $1`;
  const familyById = `SELECT ${FAMILY_COLUMNS} FROM ${t.refreshFamilies} WHERE id = $1`;
  const revokeFamily = `UPDATE ${t.refreshFamilies} SET revoked_at = COALESCE(revoked_at, $2)
    WHERE id = $1 RETURNING id`;
  const revokeSubject = `UPDATE ${t.refreshFamilies} SET revoked_at = $2
    WHERE subject = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING id`;

  return {
    async createFamily(family, firstTokenHash, tokenExpiresAt) {
      await db.query(createFamily, [
        family.id,
        family.subject,
        family.createdAt,
        family.expiresAt,
        family.revokedAt,
        JSON.stringify(family.data),
        firstTokenHash,
        tokenExpiresAt,
      ]);
    },
    async rotate(tokenHash, nextTokenHash, nextExpiresAt, now) {
      const rotated = await db.query<FamilyRow>(spendAndIssue, [
        tokenHash,
        nextTokenHash,
        nextExpiresAt,
        now,
      ]);
      if (rotated.rows[0] !== undefined) return { outcome: 'rotated', family: toFamily(rotated.rows[0]) };

      const { rows } = await db.query<TokenStateRow>(tokenState, [tokenHash]);
      const state = rows[0];
      if (state === undefined || state.revoked_at !== null || ms(state.expires_at) <= now) {
        return { outcome: 'invalid' };
      }
      if (state.spent_at === null) return { outcome: 'invalid' }; // live but expired token
      const revoked = await db.query<FamilyRow>(revokeForReuse, [state.id, now]);
      return revoked.rows[0] === undefined
        ? { outcome: 'invalid' }
        : { outcome: 'reused', family: toFamily(revoked.rows[0]) };
    },
    async findFamilyByToken(tokenHash) {
      const { rows } = await db.query<FamilyRow>(familyByToken, [tokenHash]);
      return rows[0] === undefined ? null : toFamily(rows[0]);
    },
    async findToken(tokenHash) {
      const { rows } = await db.query<FoundTokenRow>(tokenById, [tokenHash]);
      const row = rows[0];
      if (row === undefined) return null;
      return { family: toFamily(row), expiresAt: ms(row.token_expires_at), spentAt: msOrNull(row.spent_at) };
    },
    async findFamily(familyId) {
      const { rows } = await db.query<FamilyRow>(familyById, [familyId]);
      return rows[0] === undefined ? null : toFamily(rows[0]);
    },
    async revokeFamily(familyId, now) {
      const { rows } = await db.query(revokeFamily, [familyId, now]);
      return rows.length > 0;
    },
    async revokeSubject(subject, now) {
      const { rows } = await db.query<{ id: string }>(revokeSubject, [subject, now]);
      return rows.map((row) => row.id);
    },
  };
}

/**
 * A `RefreshTokenStore` in PostgreSQL (tables `refresh_families` and `refresh_tokens`). `rotate` is one
 * statement on the happy path; the token row's lock makes concurrent rotations of one token serialize, so
 * exactly one wins and the first loser revokes the family as a reuse (RFC 9700 §4.14.2). Run `migrate` first.
 *
 * @example const refreshTokens = createPostgresRefreshTokenStore(pool);
 */
export function createPostgresRefreshTokenStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): RefreshTokenStore {
  return refreshTokenStore(
    toQueryable(db, 'createPostgresRefreshTokenStore'),
    tableNames(options.schema, 'createPostgresRefreshTokenStore'),
  );
}
