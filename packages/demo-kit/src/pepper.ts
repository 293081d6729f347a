import { randomBytes } from 'node:crypto';
import { assertStrongHmacSecret } from '@portcullis/core';
import type { SqlClient } from './users.js';

/**
 * The API-key pepper: `API_KEY_PEPPER` when set (checked for strength), otherwise generated once and kept
 * in the database, so that every instance sharing the database — and every restart — uses the same one.
 * In production it must come from the environment: a secret stored beside the hashes it protects adds
 * little (DEVELOPERS: "refuses to start with weak or missing secrets").
 */
export async function resolvePepper(
  db: SqlClient,
  schema: string,
  fromEnv: string | undefined,
  production: boolean,
): Promise<string> {
  if (fromEnv !== undefined) {
    assertStrongHmacSecret(Buffer.from(fromEnv, 'utf8'));
    return fromEnv;
  }
  if (production)
    throw new TypeError('API_KEY_PEPPER is required when NODE_ENV=production (32+ random bytes)');
  const table = `"${schema}"."demo_settings"`;
  await db.query(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  await db.query(
    `INSERT INTO ${table} (name, value) VALUES ('api_key_pepper', $1) ON CONFLICT (name) DO NOTHING`,
    [randomBytes(32).toString('base64url')],
  );
  const { rows } = await db.query(`SELECT value FROM ${table} WHERE name = 'api_key_pepper'`);
  return (rows[0] as { value: string }).value;
}
