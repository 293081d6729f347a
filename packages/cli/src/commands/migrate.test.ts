import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';
import { closedPort, DATABASE_URL, probeService } from '../testing/services.js';
import { uniqueName } from '../testing/stores.js';

const postgres = await probeService('PostgreSQL', DATABASE_URL);

interface Migrated {
  applied: number[];
  version: number;
}

describe('migrate on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'refuses other commands on a directory with no database, creating nothing there',
    async () => {
      const run = await runCli(['keys', 'list', '--data-dir', dir]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('[not_migrated]');
      expect(existsSync(join(dir, 'pglite'))).toBe(false);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'creates the tables once; a second run applies nothing',
    async () => {
      const first = await runCli(['migrate', '--json'], { env: { DATA_DIR: dir } });
      expect(first.code, first.stderr).toBe(0);
      expect(first.json<Migrated>()).toMatchObject({ ok: true, applied: [1, 2, 3, 4], version: 4 });
      const second = await runCli(['migrate', '--json', '--data-dir', dir]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.json<Migrated>()).toMatchObject({ applied: [], version: 4 });
      const list = await runCli(['keys', 'list', '--json', '--data-dir', dir]);
      expect(list.json()).toMatchObject({ ok: true, keys: [] });
    },
    CLI_TEST_TIMEOUT,
  );
});

describe.skipIf(!postgres)('migrate on PostgreSQL', () => {
  const schema = uniqueName('pc_cli_migrate_');
  const env = { DATABASE_URL, PORTCULLIS_SCHEMA: schema };
  afterAll(async () => {
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it(
    'refuses a store command before migrate, then migrates idempotently',
    async () => {
      const early = await runCli(['keys', 'list', '--json'], { env });
      expect(early.code).toBe(1);
      expect(early.json()).toMatchObject({ ok: false, error: { code: 'not_migrated' } });

      const first = await runCli(['migrate', '--json'], { env });
      expect(first.code, first.stderr).toBe(0);
      expect(first.json<Migrated>()).toMatchObject({ applied: [1, 2, 3, 4], version: 4 });
      const second = await runCli(['migrate', '--json'], { env });
      expect(second.json<Migrated>()).toMatchObject({ applied: [], version: 4 });
      // The flag wins over the environment: another schema is another, unmigrated store.
      const other = await runCli(['keys', 'list', '--schema', uniqueName('pc_cli_none_')], { env });
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('[not_migrated]');
    },
    CLI_TEST_TIMEOUT,
  );
});

describe('an unreachable store', () => {
  const password = 'S3cret-db-Passw0rd';
  const pepper = 'UnusedPepper-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

  it(
    'exits 3 with store_unreachable, printing neither the password nor any secret',
    async () => {
      const port = await closedPort();
      const env = {
        DATABASE_URL: `postgres://portcullis:${password}@127.0.0.1:${port}/app`,
        API_KEY_PEPPER: pepper,
      };
      const runs = await Promise.all([
        runCli(['migrate'], { env }),
        runCli(['keys', 'list', '--json'], { env }),
        runCli(['apikey', 'create', '--owner', 'u', '--name', 'n'], { env }),
        runCli(['keys', 'list'], { env: { REDIS_URL: `redis://:${password}@127.0.0.1:${port}` } }),
      ]);
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(3);
        expect(run.stderr).toContain('[store_unreachable]');
        expect(run.stderr).toContain(`127.0.0.1:${port}`);
        expect(run.stdout + run.stderr).not.toContain(password);
        expect(run.stdout + run.stderr).not.toContain(pepper);
      }
      expect(runs[1]!.json()).toMatchObject({ ok: false, error: { code: 'store_unreachable' } });
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'exits 2 when no store is named at all',
    async () => {
      const run = await runCli(['keys', 'list']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--data-dir');
    },
    CLI_TEST_TIMEOUT,
  );
});
