// Starts a demo app (apps/<framework>-demo) as a real process on a free loopback port, as `pnpm demo` would,
// keeps everything it prints so that the log can be searched for secrets, and reads the mail it writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnUntilReady } from '@portcullis/testkit';
import { type Outbox, readOutbox } from './outbox.js';

export const FRAMEWORKS = ['express', 'fastify', 'hono', 'nest'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

const appsDir = new URL('../../../apps/', import.meta.url).pathname;

export interface DemoProcess {
  framework: Framework;
  url: string;
  /** The app's DATA_DIR (a fresh temporary directory, removed by `stop`). */
  dataDir: string;
  /** The mail the app wrote to DATA_DIR/outbox/ (no SMTP_URL is set). */
  outbox: Outbox;
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
  const demo = await spawnUntilReady({
    script: 'src/main.ts',
    cwd: join(appsDir, `${framework}-demo`),
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'development',
      // Mail goes to the outbox, whatever the environment running the suite says.
      SMTP_URL: '',
      // The suite registers dozens of accounts from one address; the limit has a test of its own.
      REGISTER_MAX_PER_IP: '100000',
      ...(framework === 'nest' ? { TSX_TSCONFIG_PATH: 'tsconfig.runtime.json' } : {}),
      ...env,
    },
    ready: /listening on (http:\/\/[^\s]+)/,
    timeoutMs,
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    framework,
    url: demo.match[1]!,
    dataDir,
    outbox: readOutbox(join(dataDir, 'outbox')),
    output: demo.output,
    async stop() {
      await demo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
