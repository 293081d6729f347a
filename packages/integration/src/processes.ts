// Test helpers: app instances and private database servers as real processes, on loopback only.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnUntilReady } from '@portcullis/testkit';
// The conformance suite's outbox reader (a test helper of that package, as core's OAuth provider is for it).
import { type Outbox, readOutbox } from '../../conformance/src/outbox.js';

const here = new URL('.', import.meta.url).pathname;

export interface Instance {
  url: string;
  process: ChildProcess;
  /** The mail this instance wrote to DATA_DIR/outbox/. */
  outbox: Outbox;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts `instance.ts` in its own Node process and waits for its "ready <url>" line. Without a `DATA_DIR`
 * in `env` it gets a temporary one (for its mail outbox), removed by `stop`.
 */
export async function startInstance(env: Record<string, string>, timeoutMs = 30_000): Promise<Instance> {
  const ownDir =
    env['DATA_DIR'] === undefined ? mkdtempSync(join(tmpdir(), 'portcullis-instance-')) : undefined;
  const dataDir = env['DATA_DIR'] ?? ownDir!;
  const instance = await spawnUntilReady({
    script: join(here, 'instance.ts'),
    cwd: join(here, '..'), // where `tsx` resolves from
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SMTP_URL: '',
      REGISTER_MAX_PER_IP: '100000',
      ...env,
    },
    ready: /ready (http:\/\/\S+)/,
    timeoutMs,
  });
  return {
    url: instance.match[1]!,
    process: instance.process,
    outbox: readOutbox(join(dataDir, 'outbox')),
    logs: instance.output,
    async stop() {
      await instance.stop();
      if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** Follows the verification link mailed to `email` by `instance` (an `ADMIN_EMAILS` address becomes admin). */
export async function verifyThroughOutbox(instance: Instance, email: string): Promise<void> {
  const [mail] = await instance.outbox.waitFor(email, { kind: 'verify-email' });
  const response = await fetch(`${instance.url}/auth/verify-email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: mail!.token }),
  });
  if (response.status !== 200) throw new Error(`verification of ${email} answered ${response.status}`);
}

/** A private redis-server on its own port, killed and restarted by the fault tests; never the shared one. */
export async function startRedis(port?: number) {
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      execFileSync('redis-cli', ['-p', String(chosen), 'ping'], { stdio: 'pipe' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().at(-1);
  const bin = version && join(root, version, 'bin');
  return bin && existsSync(join(bin, 'initdb')) ? bin : undefined;
}

/** Why a private PostgreSQL server cannot be started here, or `undefined` when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (postgresBin() === undefined) return 'PostgreSQL server binaries (initdb, pg_ctl) are not installed';
  if (process.getuid?.() !== 0)
    return 'starting a private PostgreSQL needs root (to run it as the postgres user)';
  return undefined;
}

/** A private PostgreSQL cluster in a temporary directory, on its own port; stopped hard and restarted by the tests. */
export async function startPrivatePostgres() {
  const bin = postgresBin()!;
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-pg-'));
  execFileSync('chown', ['postgres', dir]);
  const data = join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
  const port = await freePort();
  const start = () =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** Like a crash: no shutdown checkpoint, connections cut. */
    kill: () => asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    remove: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}
