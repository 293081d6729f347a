// Missing servers skip their tests with a printed reason, except under CI=true, where they fail them:
// @portcullis/testkit's probeService, as every store package uses it.
import { freePort, probeService as probe } from '@portcullis/testkit';

/** The PostgreSQL server the integration tests use (trust auth). */
export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis server the integration tests use; tests write under a prefix of their own only. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Whether a server is reachable (else a printed skip, or under `CI=true` a thrown error). */
export async function probeService(name: string, url: string): Promise<boolean> {
  return (await probe(name, url)).available;
}

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
export const closedPort = (): Promise<number> => freePort();
