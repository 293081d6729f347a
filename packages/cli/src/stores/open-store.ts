import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { KeyringStore } from '@portcullis/core/keys';
import type { ApiKeyStore, MfaStore } from '@portcullis/core/stores';
import type { PostgresDatabase } from '@portcullis/postgres';
import { CliError } from '../lib/cli-error.js';
import { EXIT } from '../lib/exit-codes.js';
import { describeStore, type StoreConfig } from './store-config.js';
import { isUnreachable, unreachableReason } from './unreachable.js';

/** The stores the CLI works on, over one connection that `close()` ends. */
export interface OpenedStore {
  /** Which store this is, without any secret (for output). */
  readonly description: string;
  readonly keyring: KeyringStore;
  readonly apiKeys: ApiKeyStore;
  /** Users' second factors (`mfa reset`). */
  readonly mfa: MfaStore;
  /** Refuses with `not_migrated` when the tables are missing (PostgreSQL and PGlite; Redis needs none). */
  assertMigrated(): Promise<void>;
  /** Runs the store's migrations and says what they did. */
  migrate(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Whether the command only uses an existing store, or migrates (and so may create) it. */
export type StorePurpose = 'use' | 'migrate';

export function storeUnreachable(config: StoreConfig, error: unknown): CliError {
  return new CliError(
    'store_unreachable',
    `cannot reach the store, ${describeStore(config)}: ${unreachableReason(error)}`,
    EXIT.unavailable,
  );
}

export function notMigrated(config: StoreConfig): CliError {
  return new CliError(
    'not_migrated',
    `the store has no portcullis tables yet, ${describeStore(config)}; run \`portcullis migrate\` first`,
    EXIT.refused,
  );
}

/**
 * Connects to the configured store and checks the connection at once, so that an unreachable store is
 * reported (exit 3) before anything is read from standard input or generated.
 *
 * @example const store = await openStore({ kind: 'pglite', dir: './.data/hono', schema: 'portcullis' }, 'use');
 */
export async function openStore(config: StoreConfig, purpose: StorePurpose): Promise<OpenedStore> {
  switch (config.kind) {
    case 'postgres':
      return openSql(config, await connectPostgres(config));
    case 'pglite':
      return openSql(config, await openPGlite(config, purpose));
    case 'redis':
      return openRedis(config);
  }
}

async function connectPostgres(config: Extract<StoreConfig, { kind: 'postgres' }>) {
  const { Pool } = await import('pg');
  // Short timeouts: a command against a dead server must end within seconds, never hang.
  const pool = new Pool({
    connectionString: config.url,
    max: 2,
    connectionTimeoutMillis: 3000,
    query_timeout: 15_000,
  });
  pool.on('error', () => undefined); // a lost idle connection is reported by the next query instead
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw storeUnreachable(config, error);
  }
  return { db: pool as unknown as PostgresDatabase, close: () => pool.end() };
}

async function openPGlite(config: Extract<StoreConfig, { kind: 'pglite' }>, purpose: StorePurpose) {
  // The directory layout of the demo apps: the database lives in DATA_DIR/pglite.
  const path = join(resolve(config.dir), 'pglite');
  // Only `migrate` creates a database: any other command on a mistyped directory must not leave one behind.
  if (purpose === 'use' && !existsSync(path)) throw notMigrated(config);
  try {
    await mkdir(path, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(path);
    return { db: db as unknown as PostgresDatabase, close: () => db.close() };
  } catch (error) {
    throw storeUnreachable(config, error);
  }
}

async function openSql(
  config: Extract<StoreConfig, { kind: 'postgres' | 'pglite' }>,
  connection: { db: PostgresDatabase; close: () => Promise<unknown> },
): Promise<OpenedStore> {
  const { createPostgresApiKeyStore, createPostgresKeyringStore, createPostgresMfaStore, migrate } =
    await import('@portcullis/postgres');
  const { db } = connection;
  const { schema } = config;
  return {
    description: describeStore(config),
    keyring: createPostgresKeyringStore(db, { schema }),
    apiKeys: createPostgresApiKeyStore(db, { schema }),
    mfa: createPostgresMfaStore(db, { schema }),
    async assertMigrated() {
      const { rows } = await db.query(
        'SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS ready',
        [`"${schema}".keyring`, `"${schema}".api_keys`],
      );
      if ((rows[0] as { ready?: boolean } | undefined)?.ready !== true) throw notMigrated(config);
    },
    async migrate() {
      const result = await migrate(db, { schema });
      return { applied: result.applied, version: result.version };
    },
    async close() {
      await connection.close().catch(() => undefined);
    },
  };
}

async function openRedis(config: Extract<StoreConfig, { kind: 'redis' }>): Promise<OpenedStore> {
  const { Redis } = await import('ioredis');
  const {
    createRedisApiKeyStore,
    createRedisKeyringStore,
    createRedisMfaStore,
    migrateRedisIdentities,
    recommendedRedisOptions,
  } = await import('@portcullis/redis');
  // A command is not a server: no reconnecting forever, one failed attempt is the answer.
  const redis = new Redis(config.url, {
    ...recommendedRedisOptions,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  // Surfaced as the failed command instead; the last one says why a connection failed (ECONNREFUSED…).
  let lastError: unknown;
  redis.on('error', (error) => {
    lastError = error;
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw storeUnreachable(config, lastError ?? error);
  }
  const options = { prefix: config.prefix };
  return {
    description: describeStore(config),
    keyring: createRedisKeyringStore(redis, options),
    apiKeys: createRedisApiKeyStore(redis, options),
    mfa: createRedisMfaStore(redis, options),
    async assertMigrated() {},
    async migrate() {
      // Redis has no tables; its one migration moves sign-in identities into the current key layout.
      const result = await migrateRedisIdentities(redis, options);
      return { migratedIdentities: result.migrated, identityConflicts: result.conflicts.length };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** SQLSTATE for a missing table or schema: the store was never migrated (or migrated under another schema). */
const MISSING_RELATION = new Set(['42P01', '3F000']);

/**
 * Runs `work` on the store, closing it whatever happens, and turns a lost connection into
 * `store_unreachable` (exit 3) and a missing table into `not_migrated` (exit 1).
 *
 * @example const list = await withStore(config, 'use', (store) => store.keyring.load());
 */
export async function withStore<T>(
  config: StoreConfig,
  purpose: StorePurpose,
  work: (store: OpenedStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(config, purpose);
  try {
    if (purpose === 'use') await store.assertMigrated();
    return await work(store);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && MISSING_RELATION.has(code)) throw notMigrated(config);
    if (isUnreachable(error)) throw storeUnreachable(config, error);
    throw error;
  } finally {
    await store.close();
  }
}
