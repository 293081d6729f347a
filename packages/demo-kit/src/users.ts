import type { AuthUser, UserDirectory } from '@portcullis/core';

interface Row {
  id: string;
  email: string;
  role: string;
  password_hash: string | null;
}

/** What the demo's SQL runs on: a `pg` Pool or PGlite (both have `query(text, params) → { rows }`). */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

const toUser = (row: Row): AuthUser => ({
  id: String(row.id),
  email: row.email,
  role: row.role,
  passwordHash: row.password_hash,
});

/**
 * The demo's users table, in the same database as portcullis's stores. It is the application's table, not
 * portcullis's: a real app brings its own and implements `UserDirectory` over it like this.
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
  const one = async (text: string, params: unknown[]) => {
    const { rows } = await db.query(text, params);
    return rows.length === 0 ? null : toUser(rows[0] as Row);
  };
  return {
    findByEmail: (email) =>
      one(`SELECT id, email, role, password_hash FROM ${table} WHERE email = $1`, [email]),
    findById: (id) =>
      /^\d{1,18}$/.test(id)
        ? one(`SELECT id, email, role, password_hash FROM ${table} WHERE id = $1`, [id])
        : Promise.resolve(null),
    // ON CONFLICT DO NOTHING: two concurrent registrations of one e-mail cannot both succeed.
    create: (input) =>
      one(
        `INSERT INTO ${table} (email, role, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id, email, role, password_hash`,
        [input.email, input.role, input.passwordHash],
      ),
    async updatePasswordHash(id, passwordHash) {
      await db.query(`UPDATE ${table} SET password_hash = $2 WHERE id = $1`, [id, passwordHash]);
    },
    async count() {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      return (rows[0] as { n: number }).n;
    },
  };
}
