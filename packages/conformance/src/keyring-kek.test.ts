// KEYRING_KEK against every demo as a real process (contract v2's env table): in production, generated and
// stored signing keys without it are a refusal to start, and a malformed one is refused without being echoed;
// in development it is generated into DATA_DIR (mode 0600), never printed, and the keys it seals survive a
// restart on the same DATA_DIR.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { FRAMEWORKS, startDemo } from './demo-process.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(FRAMEWORKS)('KEYRING_KEK on the %s demo', (framework) => {
  it('NODE_ENV=production: refuses to start without it, and never echoes a malformed one', async () => {
    const refusal = (env: Record<string, string>) =>
      // SMTP_URL is set (never dialled before the refusal): the KEK is what is missing.
      startDemo(
        framework,
        { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', ...env },
        30_000,
      ).then(
        async (started) => {
          await started.stop();
          throw new Error('the demo started');
        },
        (error: Error) => error.message,
      );
    expect(await refusal({})).toContain('KEYRING_KEK is required when NODE_ENV=production');
    const malformed = `kek-${Math.random().toString(36).slice(2)}-too-short`;
    const echoed = await refusal({ KEYRING_KEK: malformed });
    expect(echoed).toContain('portcullis: KEYRING_KEK: must be 32 random bytes');
    expect(echoed).not.toContain(malformed);
  }, 90_000);

  it('development: generates it into DATA_DIR (0600), never prints it, and keeps the keys across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `portcullis-kek-${framework}-`));
    dirs.push(dataDir);
    const first = await startDemo(framework, { DATA_DIR: dataDir });
    let jwks: unknown;
    try {
      jwks = (await createClient(first.url)('GET', '/.well-known/jwks.json')).json;
    } finally {
      await first.stop();
    }
    const path = join(dataDir, 'keyring-kek');
    const kek = readFileSync(path, 'utf8').trim();
    expect(kek).toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first.output()).not.toContain(kek);

    const second = await startDemo(framework, { DATA_DIR: dataDir });
    try {
      expect((await createClient(second.url)('GET', '/.well-known/jwks.json')).json).toEqual(jwks);
      expect(second.output()).not.toContain(kek);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
