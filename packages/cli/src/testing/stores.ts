import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { KeyringStore } from '@portcullis/core/keys';
import type { ApiKeyStore, MfaStore } from '@portcullis/core/stores';
import {
  createPostgresApiKeyStore,
  createPostgresKeyringStore,
  createPostgresMfaStore,
  migrate,
  type PostgresDatabase,
} from '@portcullis/postgres';
import {
  createRedisApiKeyStore,
  createRedisKeyringStore,
  createRedisMfaStore,
  recommendedRedisOptions,
} from '@portcullis/redis';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { CLI_TEST_TIMEOUT } from './run-cli.js';
import { DATABASE_URL, probeService, REDIS_URL } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite data directory migrated once by the globalSetup, copied by each test that needs one. */
    pgliteTemplate: string;
  }
}

/** The stores of a test store, opened in the test process to check the CLI's work through core. */
export interface OpenedTestStore {
  keyring: KeyringStore;
  apiKeys: ApiKeyStore;
  mfa: MfaStore;
  close(): Promise<void>;
}

/** A migrated, empty store of one kind, and the environment that selects it as the apps select it. */
export interface TestStore {
  readonly name: string;
  readonly env: Record<string, string>;
  /** Opens it in the test process (PGlite: only while no CLI process has it open). */
  open(): Promise<OpenedTestStore>;
}

/** A fresh schema or key prefix per store, so that test runs never share state. */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

function pgliteStore(): { store: TestStore; setUp(): void; tearDown(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
  return {
    store: {
      name: 'PGlite',
      env: { DATA_DIR: dir },
      async open() {
        const db = await PGlite.create(join(dir, 'pglite'));
        const sql = db as unknown as PostgresDatabase;
        return {
          keyring: createPostgresKeyringStore(sql),
          apiKeys: createPostgresApiKeyStore(sql),
          mfa: createPostgresMfaStore(sql),
          close: () => db.close(),
        };
      },
    },
    setUp: () => cpSync(inject('pgliteTemplate'), dir, { recursive: true }),
    tearDown: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresStore() {
  const schema = uniqueName('pc_cli_');
  const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  pool.on('error', () => undefined);
  const db = pool as unknown as PostgresDatabase;
  const store: TestStore = {
    name: 'PostgreSQL',
    env: { DATABASE_URL, PORTCULLIS_SCHEMA: schema },
    async open() {
      return {
        keyring: createPostgresKeyringStore(db, { schema }),
        apiKeys: createPostgresApiKeyStore(db, { schema }),
        mfa: createPostgresMfaStore(db, { schema }),
        close: async () => undefined,
      };
    },
  };
  return {
    store,
    setUp: () => migrate(db, { schema }),
    tearDown: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

function redisStore() {
  const prefix = `portcullis-test:${uniqueName('cli-')}:`;
  const connect = async () => {
    const redis = new Redis(REDIS_URL, { ...recommendedRedisOptions, lazyConnect: true });
    redis.on('error', () => undefined);
    await redis.connect();
    return redis;
  };
  const store: TestStore = {
    name: 'Redis',
    env: { REDIS_URL, PORTCULLIS_REDIS_PREFIX: prefix },
    async open() {
      const redis = await connect();
      return {
        keyring: createRedisKeyringStore(redis, { prefix }),
        apiKeys: createRedisApiKeyStore(redis, { prefix }),
        mfa: createRedisMfaStore(redis, { prefix }),
        close: async () => {
          await redis.quit();
        },
      };
    },
  };
  return {
    store,
    setUp: () => undefined,
    tearDown: async () => {
      const redis = await connect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

const postgresAvailable = await probeService('PostgreSQL', DATABASE_URL);
const redisAvailable = await probeService('Redis', REDIS_URL);

export type StoreKind = 'pglite' | 'postgres' | 'redis';

/**
 * Declares `behaviour` once per store kind — PGlite (always), PostgreSQL and Redis (when reachable; under
 * CI=true a missing server fails) — each on a migrated store of its own, removed afterwards.
 */
export function describeOnStores(
  title: string,
  behaviour: (store: () => TestStore) => void,
  kinds: readonly StoreKind[] = ['pglite', 'postgres', 'redis'],
): void {
  const factories = { pglite: pgliteStore, postgres: postgresStore, redis: redisStore };
  const available = { pglite: true, postgres: postgresAvailable, redis: redisAvailable };
  for (const kind of kinds) {
    describe.skipIf(!available[kind])(`${title} on ${kind}`, () => {
      let current: ReturnType<(typeof factories)[typeof kind]> | undefined;
      beforeAll(async () => {
        current = factories[kind]();
        await current.setUp();
      }, CLI_TEST_TIMEOUT);
      afterAll(async () => {
        await current?.tearDown();
      }, CLI_TEST_TIMEOUT);
      behaviour(() => current!.store);
    });
  }
}
