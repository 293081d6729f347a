import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { BIN } from './run-cli.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * vitest globalSetup of the cli project (wired in the root vitest.config.ts). The tests run the built
 * binary, so it is built first — with the workspace packages it loads from their `dist` (turbo's cache
 * makes a repeated build cost a second or two). Then one PGlite data directory is migrated, by the binary,
 * for tests to copy: creating a PGlite database takes seconds on a busy machine.
 */
export default function setup(project: TestProject): () => void {
  execFileSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@portcullis/cli...', '--output-logs=errors-only'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    },
  );
  const template = mkdtempSync(join(tmpdir(), 'portcullis-cli-template-'));
  execFileSync(process.execPath, [BIN, 'migrate', '--data-dir', template], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  project.provide('pgliteTemplate', template);
  return () => rmSync(template, { recursive: true, force: true });
}
