import { usageError } from '../lib/cli-error.js';

/** Where the keyring and the API keys are kept, as the apps choose it. */
export type StoreConfig =
  | { kind: 'postgres'; url: string; schema: string }
  | { kind: 'pglite'; dir: string; schema: string }
  | { kind: 'redis'; url: string; prefix: string };

/** The flags every store command takes; each overrides the environment variable the apps read. */
export const STORE_OPTIONS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  'redis-url': { type: 'string' },
  schema: { type: 'string' },
  'redis-prefix': { type: 'string' },
} as const;

export interface StoreFlags {
  'database-url'?: string | undefined;
  'data-dir'?: string | undefined;
  'redis-url'?: string | undefined;
  schema?: string | undefined;
  'redis-prefix'?: string | undefined;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Picks the store like the demo apps do: PostgreSQL when a database URL is given, else PGlite in the data
 * directory, else Redis (a deployment on `createRedisStores` alone). Flags are looked at first; only when
 * none names a store is the environment (`DATABASE_URL`, `DATA_DIR`, `REDIS_URL`) read.
 *
 * @example resolveStoreConfig({ 'data-dir': './.data/hono' }, process.env) // { kind: 'pglite', … }
 */
export function resolveStoreConfig(flags: StoreFlags, env: NodeJS.ProcessEnv): StoreConfig {
  const fromFlags = [flags['database-url'], flags['data-dir'], flags['redis-url']].some(
    (value) => present(value) !== undefined,
  );
  const databaseUrl = present(fromFlags ? flags['database-url'] : env['DATABASE_URL']);
  const dataDir = present(fromFlags ? flags['data-dir'] : env['DATA_DIR']);
  const redisUrl = present(fromFlags ? flags['redis-url'] : env['REDIS_URL']);
  const schema = present(flags.schema) ?? present(env['PORTCULLIS_SCHEMA']) ?? 'portcullis';
  if (!SCHEMA.test(schema) || schema.startsWith('pg_'))
    throw usageError('--schema must be a lowercase identifier (letters, digits, _), not starting with pg_');
  if (databaseUrl !== undefined) {
    assertUrl(databaseUrl, ['postgres:', 'postgresql:'], 'the database URL');
    return { kind: 'postgres', url: databaseUrl, schema };
  }
  if (dataDir !== undefined) return { kind: 'pglite', dir: dataDir, schema };
  if (redisUrl !== undefined) {
    assertUrl(redisUrl, ['redis:', 'rediss:'], 'the Redis URL');
    const prefix = flags['redis-prefix'] ?? env['PORTCULLIS_REDIS_PREFIX'] ?? 'portcullis:';
    return { kind: 'redis', url: redisUrl, prefix };
  }
  throw usageError(
    'no store given: pass --data-dir DIR (PGlite), or set DATABASE_URL (PostgreSQL) or REDIS_URL (Redis)',
  );
}

function assertUrl(value: string, protocols: readonly string[], what: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    // The value itself is never repeated: a URL may hold a password.
  }
  if (protocol === undefined || !protocols.includes(protocol))
    throw usageError(`${what} is not a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
}

/**
 * The store named without any secret: a URL's user and password are left out.
 *
 * @example describeStore({ kind: 'postgres', url: 'postgres://u:pw@db:5432/app', schema: 'portcullis' })
 * // 'PostgreSQL at db:5432/app (schema portcullis)'
 */
export function describeStore(config: StoreConfig): string {
  switch (config.kind) {
    case 'postgres': {
      const url = new URL(config.url);
      return `PostgreSQL at ${url.host}${url.pathname} (schema ${config.schema})`;
    }
    case 'pglite':
      return `PGlite in ${config.dir} (schema ${config.schema})`;
    case 'redis':
      return `Redis at ${new URL(config.url).host} (prefix ${config.prefix})`;
  }
}
