import { isReachable } from './net.js';

export interface ServiceProbe {
  available: boolean;
  /** Why the tests that need it are skipped, when it is not available. */
  reason: string | undefined;
}

/**
 * Checks whether a server the integration tests need (PostgreSQL, Redis) is reachable. When it is not, the
 * tests are skipped with a printed reason — except under `CI=true`, where a missing server is a failure,
 * never a skip: this throws, failing the test file.
 *
 * @example
 * const postgres = await probeService('PostgreSQL', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
 * describe.skipIf(!postgres.available)('on PostgreSQL', () => { … });
 */
export async function probeService(name: string, url: string, timeoutMs = 1000): Promise<ServiceProbe> {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432));
  const host = parsed.hostname || '127.0.0.1';
  if (await isReachable(host, port, timeoutMs)) return { available: true, reason: undefined };
  const reason = `${name} is not reachable at ${host}:${port}`;
  if (process.env['CI'] === 'true')
    throw new Error(`${reason}, and CI=true: integration tests must run, not skip`);
  console.warn(`[portcullis] skipping ${name} tests: ${reason}`);
  return { available: false, reason };
}
