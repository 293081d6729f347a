// Starts a demo app (apps/<framework>-demo) as a real process on a free loopback port, as `pnpm demo` would,
// and keeps everything it prints so that the log can be searched for secrets.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FRAMEWORKS = ['express', 'fastify', 'hono', 'nest'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

const appsDir = new URL('../../../apps/', import.meta.url).pathname;

export interface DemoProcess {
  framework: Framework;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startDemo(
  framework: Framework,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<DemoProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), `portcullis-${framework}-`));
  const cwd = join(appsDir, `${framework}-demo`);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@portcullis/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        NODE_ENV: 'development',
        ...(framework === 'nest' ? { TSX_TSCONFIG_PATH: 'tsconfig.runtime.json' } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${framework} demo did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${framework} demo exited with ${code}:\n${output}`));
    });
  });
  return {
    framework,
    url,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        const done = () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
