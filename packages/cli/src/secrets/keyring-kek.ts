import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importKeyEncryptionKey } from '@portcullis/core/keys';
import { CliError } from '../lib/cli-error.js';
import { EXIT } from '../lib/exit-codes.js';
import type { StoreConfig } from '../stores/store-config.js';

/** Where the demo apps keep the key-encryption key they generate in development, inside `DATA_DIR`. */
const DEMO_KEK_FILE = 'keyring-kek';

/** A key-encryption key and where it came from (for messages: never the value). */
export interface ResolvedKek {
  readonly value: string;
  readonly source: string;
}

/**
 * Checks a key-encryption key read from `variable`: 32 random bytes as base64url. The refusal names the
 * variable and says how to make a good one, never repeating the value.
 */
export function checkedKek(value: string, source: string): ResolvedKek {
  try {
    importKeyEncryptionKey(value, source);
  } catch (error) {
    throw new CliError('invalid_secret', (error as Error).message, EXIT.refused);
  }
  return { value, source };
}

/**
 * The key-encryption key that seals the stored signing keys, found as the apps find it: `KEYRING_KEK`, or
 * — for a PGlite data directory a demo app created in development — the `keyring-kek` file inside it.
 * `undefined` when there is none.
 *
 * @example const kek = resolveKeyringKek(io.env, config);
 */
export function resolveKeyringKek(env: NodeJS.ProcessEnv, config: StoreConfig): ResolvedKek | undefined {
  const fromEnv = env['KEYRING_KEK']?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return checkedKek(fromEnv, 'KEYRING_KEK');
  if (config.kind !== 'pglite') return undefined;
  const path = join(resolve(config.dir), DEMO_KEK_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return checkedKek(text.trim(), path);
}
