// Every TypeScript sample in the READMEs and docs/ compiles: scripts/check-doc-samples.mjs writes each ```ts
// block to .doc-samples/ and type-checks them all in one program (strict, ESM, workspace sources).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Failure {
  file: string;
  line: number;
  code: string;
  message: string;
}

describe('documentation samples', () => {
  it('type-check, each ts block of the READMEs and docs/ as its own module', async () => {
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(
        process.execPath,
        [join(ROOT, 'scripts/check-doc-samples.mjs'), '--json'],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      ));
    } catch (error) {
      // Exit code 1 means failing samples; the JSON report is still on stdout.
      stdout = (error as { stdout?: string }).stdout ?? '';
      if (!stdout.startsWith('{')) throw error;
    }
    const result = JSON.parse(stdout) as { checked: number; fragments: number; failures: Failure[] };
    expect(result.checked).toBeGreaterThan(0);
    expect(result.failures.map((f) => `${f.file}:${f.line}: ${f.code} ${f.message}`)).toEqual([]);
  }, 180_000);
});
