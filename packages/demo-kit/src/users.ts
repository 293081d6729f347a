import type { AuthUser, UserDirectory } from '@portcullis/core';

interface Row {
  id: string;
  email: string;
  role: string;
  password_hash: string | null;
  email_verified: boolean;
}

/** What the demo's SQL runs on: a `pg` Pool or PGlite (both have `query(text, params) → { rows }`). */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

const COLUMNS = 'id, email, role, password_hash, email_verified';

const toUser = (row: Row): AuthUser => ({
  id: String(row.id),
  email: row.email,
  role: row.role,
  passwordHash: row.password_hash,
  emailVerified: row.email_verified,
});

/** Ids are BIGSERIAL: anything but 1-18 digits (always within bigint) names nobody, without asking the database. */
const isId = (id: string) => /^\d{1,18}$/.test(id);

/**
 * The demo's users table, in the same database as portcullis's stores. It is the application's table, not
 * portcullis's: a real app brings its own and implements `UserDirectory` over it like this (and runs
 * `runUserDirectorySuite` from `@portcullis/testkit` against it).
 *
 * @example const users = await createSqlUserDirectory(pool, 'portcullis');
 */
export async function createSqlUserDirectory(
  db: SqlClient,
  schema: string,
): Promise<UserDirectory & { count(): Promise<number> }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new TypeError('schema must be a lower-case SQL identifier');
  const table = `"${schema}"."demo_users"`;
  await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch(() => undefined);
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
       id BIGSERIAL PRIMARY KEY,
       email TEXT NOT NULL UNIQUE,
       role TEXT NOT NULL,
       password_hash TEXT,
       created_at TIMESTAMPTZ NOT NULL DEFAULT now()
     )`,
  );
  // Tables created before e-mail verification existed lack the column; their users count as unverified.
  await db.query(
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS email_verified boolean NOT NULL DEFAULT false`,
  );
  // One statement, so the precondition is checked on the row it writes: concurrent updates queue on the
  // row lock and each re-checks the WHERE clause against the row the previous one left. A flag per field
  // says whether to set or compare it, so no SQL is assembled from the patch.
  const update = `UPDATE ${table} SET
      password_hash = CASE WHEN $2::boolean THEN $3::text ELSE password_hash END,
      email_verified = CASE WHEN $4::boolean THEN $5::boolean ELSE email_verified END,
      role = CASE WHEN $6::boolean THEN $7::text ELSE role END
    WHERE id = $1
      AND (NOT $8::boolean OR password_hash IS NOT DISTINCT FROM $9::text)
      AND (NOT $10::boolean OR email_verified = $11::boolean)
    RETURNING ${COLUMNS}`;
  const one = async (text: string, params: unknown[]) => {
    const { rows } = await db.query(text, params);
    return rows.length === 0 ? null : toUser(rows[0] as Row);
  };
  return {
    findByEmail: (email) => one(`SELECT ${COLUMNS} FROM ${table} WHERE email = $1`, [email]),
    findById: (id) =>
      isId(id) ? one(`SELECT ${COLUMNS} FROM ${table} WHERE id = $1`, [id]) : Promise.resolve(null),
    // ON CONFLICT DO NOTHING: two concurrent registrations of one e-mail cannot both succeed.
    create: (input) =>
      one(
        `INSERT INTO ${table} (email, role, password_hash, email_verified) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
        [input.email, input.role, input.passwordHash, input.emailVerified],
      ),
    async update(id, patch, expected = {}) {
      // An expectation given as `undefined` matches no stored user, as core's `meetsPrecondition` has it.
      if (
        ('passwordHash' in expected && expected.passwordHash === undefined) ||
        ('emailVerified' in expected && expected.emailVerified === undefined)
      )
        return null;
      if (!isId(id)) return null;
      return one(update, [
        id,
        patch.passwordHash !== undefined,
        patch.passwordHash ?? null,
        patch.emailVerified !== undefined,
        patch.emailVerified ?? null,
        patch.role !== undefined,
        patch.role ?? null,
        'passwordHash' in expected,
        expected.passwordHash ?? null,
        'emailVerified' in expected,
        expected.emailVerified ?? null,
      ]);
    },
    async count() {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      return (rows[0] as { n: number }).n;
    },
  };
}
