import { randomBytes } from 'node:crypto';
import { assertStrongHmacSecret, createSecretSealer, SealedSecretError } from '@portcullis/core/keys';
import type { SqlClient } from './users.js';

/** What the stored pepper is sealed for: a sealed value copied from elsewhere does not open as the pepper. */
const PEPPER_CONTEXT = 'portcullis-demo.api-key-pepper';

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The API-key pepper: `API_KEY_PEPPER` when set (checked for strength), otherwise generated once and kept
 * in the database, sealed under the key-encryption key (`KEYRING_KEK`) like the signing keys, so that every
 * instance sharing the database — and every restart — uses the same one, and reading the table alone
 * yields nothing. A pepper an earlier version kept in the clear is sealed in place on first use.
 * In production it must come from the environment: a secret stored beside the hashes it protects adds
 * little (DEVELOPERS: "refuses to start with weak or missing secrets").
 */
export async function resolvePepper(
  db: SqlClient,
  schema: string,
  fromEnv: string | undefined,
  production: boolean,
  keyEncryptionKey: string | undefined,
): Promise<string> {
  if (fromEnv !== undefined) {
    assertStrongHmacSecret(Buffer.from(fromEnv, 'utf8'));
    return fromEnv;
  }
  if (production)
    throw new TypeError('API_KEY_PEPPER is required when NODE_ENV=production (32+ random bytes)');
  if (keyEncryptionKey === undefined)
    throw new TypeError(
      'a development pepper is kept sealed in the database: KEYRING_KEK must be resolved first',
    );
  const sealer = createSecretSealer({ keyEncryptionKey });
  const table = `"${schema}"."demo_settings"`;
  await db.query(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  const generated = JSON.stringify(sealer.seal(randomBytes(32).toString('base64url'), PEPPER_CONTEXT));
  await db.query(
    `INSERT INTO ${table} (name, value) VALUES ('api_key_pepper', $1) ON CONFLICT (name) DO NOTHING`,
    [generated],
  );
  const { rows } = await db.query(`SELECT value FROM ${table} WHERE name = 'api_key_pepper'`);
  const stored = (rows[0] as { value: string }).value;
  const sealed = parsedOrUndefined(stored);
  if (typeof sealed !== 'object' || sealed === null) {
    // Kept in the clear by an earlier version: seal it where it lies (only if no other instance did first).
    await db.query(`UPDATE ${table} SET value = $1 WHERE name = 'api_key_pepper' AND value = $2`, [
      JSON.stringify(sealer.seal(stored, PEPPER_CONTEXT)),
      stored,
    ]);
    return stored;
  }
  try {
    return sealer.open(sealed, PEPPER_CONTEXT).secret.toString('utf8');
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    throw new Error(
      `the development API-key pepper stored in the database cannot be opened with KEYRING_KEK: ${error.message}`,
    );
  }
}
