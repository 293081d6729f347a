import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoAuth } from './create-demo-auth.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'demo-keys-'));
  dirs.push(dir);
  return dir;
}
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

describe('the demo keeps its signing keys and pepper sealed under KEYRING_KEK', () => {
  it('stores no private key or pepper in the clear in DATA_DIR, and opens them again after a restart', async () => {
    const DATA_DIR = dataDir();
    const env = { DATA_DIR, PORT: '0', NODE_ENV: 'development', SMTP_URL: '' };
    const first = await createDemoAuth('keys-test', env);
    const jwks = first.auth.keyring.jwks();
    const privateJwk = first.auth.keyring.current().exportPrivateJwk();
    await first.close();
    expect(existsSync(join(DATA_DIR, 'keyring-kek'))).toBe(true);

    const db = new PGlite(join(DATA_DIR, 'pglite'));
    const keyring = await db.query<{ text: string }>('SELECT snapshot::text AS text FROM portcullis.keyring');
    const pepper = await db.query<{ value: string }>(
      `SELECT value FROM portcullis.demo_settings WHERE name = 'api_key_pepper'`,
    );
    await db.close();
    const row = keyring.rows[0]!.text;
    expect(JSON.parse(row).format).toBe('portcullis.keyring.v2');
    for (const member of PRIVATE_MEMBERS) expect(row).not.toMatch(new RegExp(`"${member}"\\s*:`));
    expect(row).not.toContain(privateJwk['d'] as string);
    expect(JSON.parse(pepper.rows[0]!.value)).toMatchObject({ v: 'portcullis.sealed.v1' });

    const second = await createDemoAuth('keys-test', env);
    try {
      expect(second.auth.keyring.jwks()).toEqual(jwks);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('refuses to start in production without KEYRING_KEK, before opening or generating anything', async () => {
    const DATA_DIR = dataDir();
    const error = await createDemoAuth('keys-test', {
      DATA_DIR,
      PORT: '0',
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://127.0.0.1:2525',
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^KEYRING_KEK is required when NODE_ENV=production/);
    expect(existsSync(join(DATA_DIR, 'pglite'))).toBe(false);
    expect(existsSync(join(DATA_DIR, 'keyring-kek'))).toBe(false);
  });
});
