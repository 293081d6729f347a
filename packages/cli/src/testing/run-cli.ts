import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built binary the tests run, as an installed `portcullis` would run it. */
export const BIN = fileURLToPath(new URL('../../dist/bin.mjs', import.meta.url));

/** Variables the CLI reads, cleared from the test process's environment so that only a test's own apply. */
const CLI_VARIABLES = [
  'DATABASE_URL',
  'DATA_DIR',
  'REDIS_URL',
  'PORTCULLIS_SCHEMA',
  'PORTCULLIS_REDIS_PREFIX',
  'KEYRING_KEK',
  'KEYRING_KEK_NEW',
  'API_KEY_PEPPER',
  'PORTCULLIS_DEBUG',
];

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for `--json` runs). */
  json<T = Record<string, unknown>>(): T;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to the CLI's standard input, which is then closed (closed at once when absent). */
  stdin?: string;
  timeoutMs?: number;
}

/**
 * Runs `node dist/bin.mjs …args` and resolves with its exit code and output.
 *
 * @example const run = await runCli(['keys', 'list', '--json'], { env: { DATA_DIR: dir } });
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of CLI_VARIABLES) delete env[name];
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timeout);
      resolve({
        code,
        stdout,
        stderr,
        json: <T>() => JSON.parse(stdout) as T,
      });
    });
  });
}

/** Per-test timeout: a PGlite run starts a WASM PostgreSQL, seconds each on a busy machine. */
export const CLI_TEST_TIMEOUT = 180_000;
