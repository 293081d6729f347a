import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyEncryptionKey } from '@portcullis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { readDemoConfig } from './env.js';
import { KEK_FILE_NAME, resolveKeyringKek } from './keyring-kek.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'demo-kek-'));
  dirs.push(dir);
  return join(dir, 'data'); // not there yet: made on first use
}
const posix = process.platform !== 'win32';

describe('KEYRING_KEK', () => {
  it('is generated in development into DATA_DIR, owner-only, and kept across restarts', async () => {
    const DATA_DIR = dataDir();
    const first = await resolveKeyringKek(readDemoConfig('hono', { DATA_DIR }));
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (posix) expect(statSync(join(DATA_DIR, KEK_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(await resolveKeyringKek(readDemoConfig('hono', { DATA_DIR }))).toBe(first);
  });

  it('is one key when several instances start on one DATA_DIR at once', async () => {
    const DATA_DIR = dataDir();
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => resolveKeyringKek(readDemoConfig('hono', { DATA_DIR }))),
    );
    expect(new Set(keys).size).toBe(1);
  });

  it('tightens a kept file restored with wider permissions, and refuses one that holds no key', async () => {
    const DATA_DIR = dataDir();
    const kek = await resolveKeyringKek(readDemoConfig('hono', { DATA_DIR }));
    const path = join(DATA_DIR, KEK_FILE_NAME);
    if (posix) {
      chmodSync(path, 0o644);
      expect(await resolveKeyringKek(readDemoConfig('hono', { DATA_DIR }))).toBe(kek);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    writeFileSync(path, 'not a key\n');
    await expect(resolveKeyringKek(readDemoConfig('hono', { DATA_DIR }))).rejects.toThrow(
      /keyring-kek does not hold a key-encryption key/,
    );
  });

  it('comes from the environment when set, checked and never echoed', async () => {
    const DATA_DIR = dataDir();
    const KEYRING_KEK = generateKeyEncryptionKey();
    expect(await resolveKeyringKek(readDemoConfig('hono', { DATA_DIR, KEYRING_KEK }))).toBe(KEYRING_KEK);
    for (const weak of ['changeme-changeme-changeme', KEYRING_KEK.slice(0, 40), `${KEYRING_KEK}==`]) {
      const error = await resolveKeyringKek(readDemoConfig('hono', { DATA_DIR, KEYRING_KEK: weak })).catch(
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^portcullis: KEYRING_KEK: must be 32 random bytes/);
      expect((error as Error).message).not.toContain(weak);
    }
  });

  it('is required in production while keys are generated and stored; not with SIGNING_KEYS', async () => {
    const DATA_DIR = dataDir();
    await expect(
      resolveKeyringKek(readDemoConfig('hono', { DATA_DIR, NODE_ENV: 'production' })),
    ).rejects.toThrow(
      /^KEYRING_KEK is required when NODE_ENV=production and signing keys are generated and stored/,
    );
    const withKeys = readDemoConfig('hono', {
      DATA_DIR,
      NODE_ENV: 'production',
      SIGNING_KEYS: '{"keys":[]}',
    });
    expect(await resolveKeyringKek(withKeys)).toBeUndefined();
    // Production never writes a key beside the data it protects.
    expect(() => statSync(join(DATA_DIR, KEK_FILE_NAME))).toThrow();
  });
});
