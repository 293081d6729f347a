import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateKeyEncryptionKey, importKeyEncryptionKey } from '@portcullis/core';
import type { DemoConfig } from './env.js';

/** Where development keeps its generated key-encryption key, inside `DATA_DIR`. */
export const KEK_FILE_NAME = 'keyring-kek';

const GENERATE_HINT =
  "Generate one with: node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64url'))\"";

/** Writes `value` to `path` only if nothing is there, whole or not at all: a concurrent start reads one key. */
async function createExclusively(path: string, value: string): Promise<boolean> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${value}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

async function readKekFile(path: string): Promise<string> {
  // Owner-only, as when it was made: a copy restored with wider permissions is tightened, not trusted as is.
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  const value = (await readFile(path, 'utf8')).trim();
  try {
    importKeyEncryptionKey(value, 'the key-encryption key');
  } catch {
    throw new TypeError(
      `${path} does not hold a key-encryption key (32 random bytes, base64url); the stored signing keys can only be opened with the key that sealed them`,
    );
  }
  return value;
}

/**
 * The key-encryption key that seals the stored signing keys and the development API-key pepper, as the
 * HTTP contract's `KEYRING_KEK` describes it: the variable when set (checked, never echoed); unset with
 * `NODE_ENV=production` while keys are generated and stored (no `SIGNING_KEYS`), a refusal to start;
 * unset otherwise in production, `undefined` (nothing is stored that it would seal); unset in development,
 * generated once into `DATA_DIR/keyring-kek` (mode 0600) and read back at every restart.
 *
 * @example const kek = await resolveKeyringKek(readDemoConfig('hono'));
 */
export async function resolveKeyringKek(
  config: Pick<DemoConfig, 'keyringKek' | 'production' | 'signingKeys' | 'dataDir'>,
): Promise<string | undefined> {
  if (config.keyringKek !== undefined) {
    importKeyEncryptionKey(config.keyringKek, 'KEYRING_KEK');
    return config.keyringKek;
  }
  if (config.production) {
    if (config.signingKeys !== undefined) return undefined;
    throw new TypeError(
      `KEYRING_KEK is required when NODE_ENV=production and signing keys are generated and stored (no SIGNING_KEYS): 32 random bytes, base64url. ${GENERATE_HINT}`,
    );
  }
  const dir = resolve(config.dataDir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, KEK_FILE_NAME);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) await createExclusively(path, generateKeyEncryptionKey());
  return readKekFile(path);
}
