import { Socket } from 'node:net';

// The same rule as @portcullis/testkit's probeService, which the cli package does not depend on: a missing
// server skips its tests with a printed reason, except under CI=true, where it fails them.

/** The PostgreSQL server the integration tests use (trust auth). */
export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis server the integration tests use; tests write under a prefix of their own only. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function isReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * Whether a server is reachable; when it is not, a printed skip — or, under `CI=true`, a thrown error.
 *
 * @example const postgres = await probeService('PostgreSQL', DATABASE_URL);
 */
export async function probeService(name: string, url: string, timeoutMs = 1000): Promise<boolean> {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432));
  const host = parsed.hostname || '127.0.0.1';
  if (await isReachable(host, port, timeoutMs)) return true;
  const reason = `${name} is not reachable at ${host}:${port}`;
  if (process.env['CI'] === 'true')
    throw new Error(`${reason}, and CI=true: integration tests must run, not skip`);
  console.warn(`[portcullis] skipping ${name} tests: ${reason}`);
  return false;
}

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
