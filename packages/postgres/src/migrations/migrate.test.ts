import type { PGlite } from '@electric-sql/pglite';
import { probeService } from '@portcullis/testkit';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores } from '../create-postgres-stores.js';
import type { PostgresDatabase } from '../database.js';
import { toQueryable } from '../lib/queryable.js';
import {
  DATABASE_URL,
  dropSchema,
  PGLITE_START_TIMEOUT,
  startPGlite,
  testPool,
  testSchema,
} from '../testing/databases.js';
import { migrate } from './migrate.js';
import { LATEST_VERSION } from './migrations.js';

const server = await probeService('PostgreSQL', DATABASE_URL);

async function recorded(db: PostgresDatabase, schema: string) {
  const { rows } = await toQueryable(db).query<{
    version: number;
    name: string;
    applied_at: string | number;
  }>(`SELECT version, name, applied_at FROM "${schema}".migrations ORDER BY version`);
  return rows.map((row) => ({
    version: Number(row.version),
    name: row.name,
    appliedAt: Number(row.applied_at),
  }));
}

async function tables(db: PostgresDatabase, schema: string) {
  const { rows } = await toQueryable(db).query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

const ALL_TABLES = [
  'api_keys',
  'identities',
  'keyring',
  'mfa_challenges',
  'mfa_factors',
  'migrations',
  'oauth_states',
  'one_time_tokens',
  'rate_limits',
  'refresh_families',
  'refresh_tokens',
  'revocations',
  'sessions',
];

/** The tables each migration after the first created. */
const CREATED_BY: Record<number, string[]> = {
  2: ['oauth_states'],
  3: ['one_time_tokens', 'identities'],
  4: ['mfa_factors', 'mfa_challenges'],
};

/** Takes a fully migrated schema back to what `version` left: later tables dropped, later records deleted. */
async function rollBackTo(db: PostgresDatabase, schema: string, version: number): Promise<void> {
  const q = toQueryable(db);
  for (const [later, created] of Object.entries(CREATED_BY)) {
    if (Number(later) <= version) continue;
    for (const table of created) await q.query(`DROP TABLE "${schema}".${table}`);
  }
  await q.query(`DELETE FROM "${schema}".migrations WHERE version > $1`, [version]);
}

/** Runs `test` on a schema of its own, dropped afterwards whatever happened. */
async function inNewSchema(db: PostgresDatabase, test: (schema: string) => Promise<void>): Promise<void> {
  const schema = testSchema();
  try {
    await test(schema);
  } finally {
    await dropSchema(db, schema);
  }
}

function migrationBehaviour(database: () => PostgresDatabase) {
  it('creates the schema, its tables and the version record, once', async () => {
    const db = database();
    await inNewSchema(db, async (schema) => {
      const before = Date.now();
      expect(await migrate(db, { schema })).toEqual({ applied: [1, 2, 3, 4], version: LATEST_VERSION });
      expect(await tables(db, schema)).toEqual(ALL_TABLES);
      const versions = await recorded(db, schema);
      expect(versions.map((v) => [v.version, v.name])).toEqual([
        [1, 'initial'],
        [2, 'oauth-states'],
        [3, 'one-time-tokens-and-identities'],
        [4, 'mfa'],
      ]);
      expect(versions[0]!.appliedAt).toBeGreaterThanOrEqual(before);

      // Idempotent: a second run applies nothing and records nothing.
      expect(await migrate(db, { schema })).toEqual({ applied: [], version: LATEST_VERSION });
      expect(await recorded(db, schema)).toEqual(versions);
    });
  });

  it('survives concurrent migrations of one schema', async () => {
    const db = database();
    await inNewSchema(db, async (schema) => {
      const results = await Promise.all([migrate(db, { schema }), migrate(db, { schema })]);
      expect(results.map((r) => r.applied).sort()).toEqual([[], [1, 2, 3, 4]]);
      expect((await recorded(db, schema)).map((v) => v.version)).toEqual([1, 2, 3, 4]);
    });
  });

  it('upgrades a schema created at version 1 (before oauth_states) and keeps its data', async () => {
    const db = database();
    await inNewSchema(db, async (schema) => {
      await migrate(db, { schema });
      await rollBackTo(db, schema, 1);
      const stores = await createPostgresStores(db, { schema, migrate: false });
      await stores.revocations.revokeToken('kept-jti', Date.now() + 60_000);
      expect(await migrate(db, { schema })).toEqual({ applied: [2, 3, 4], version: LATEST_VERSION });
      expect(await tables(db, schema)).toEqual(ALL_TABLES);
      const check = { tokenId: 'kept-jti', sessionId: undefined, subject: 's', issuedAt: 0 };
      expect(await stores.revocations.isRevoked(check, Date.now())).toBe(true);
      expect(await stores.oauthStates!.consume('k', Date.now() + 60_000)).toBe(true);
    });
  });

  it('upgrades a schema at version 2 (before one-time tokens and identities) and keeps its data', async () => {
    const db = database();
    await inNewSchema(db, async (schema) => {
      await migrate(db, { schema });
      await rollBackTo(db, schema, 2);
      expect((await recorded(db, schema)).map((v) => v.version)).toEqual([1, 2]);
      const now = Date.now();
      const stores = await createPostgresStores(db, { schema, migrate: false });
      await stores.revocations.revokeToken('kept-jti', now + 60_000);
      expect(await stores.oauthStates!.consume('kept-state', now + 60_000)).toBe(true);
      const session = { idHash: 'kept-sid', subject: 'u', createdAt: now, data: { roles: ['user'] } };
      await stores.sessions.create({
        ...session,
        absoluteExpiresAt: now + 60_000,
        idleExpiresAt: now + 30_000,
      });
      // Before the upgrade the new stores fail loudly, never answer "not found".
      await expect(stores.identities.find('https://idp.example.test', 's')).rejects.toThrow(/does not exist/);

      expect(await migrate(db, { schema })).toEqual({ applied: [3, 4], version: LATEST_VERSION });
      expect(await tables(db, schema)).toEqual(ALL_TABLES);
      const check = { tokenId: 'kept-jti', sessionId: undefined, subject: 's', issuedAt: 0 };
      expect(await stores.revocations.isRevoked(check, now)).toBe(true);
      expect(await stores.oauthStates!.consume('kept-state', now + 60_000)).toBe(false);
      expect((await stores.sessions.get('kept-sid', now))?.data).toEqual({ roles: ['user'] });

      const token = {
        hash: 'h',
        purpose: 'verify_email' as const,
        subject: 'u',
        email: 'u@example.test',
        createdAt: now,
        expiresAt: now + 60_000,
      };
      await stores.oneTimeTokens.issue(token);
      expect(await stores.oneTimeTokens.consume('h', 'verify_email', now)).toEqual(token);
      const identity = {
        issuer: 'https://idp.example.test',
        subject: 's',
        userId: 'u',
        provider: 'oidc',
        email: 'u@example.test',
        createdAt: now,
      };
      expect(await stores.identities.link(identity)).toBe(true);
      expect(await stores.identities.find(identity.issuer, identity.subject)).toEqual(identity);
    });
  });

  it('upgrades a schema at version 3 (before MFA) and keeps its data', async () => {
    const db = database();
    await inNewSchema(db, async (schema) => {
      await migrate(db, { schema });
      await rollBackTo(db, schema, 3);
      expect((await recorded(db, schema)).map((v) => v.version)).toEqual([1, 2, 3]);
      const now = Date.now();
      const stores = await createPostgresStores(db, { schema, migrate: false });
      const identity = {
        issuer: 'https://idp.example.test',
        subject: 's',
        userId: 'u',
        provider: 'oidc',
        email: 'u@example.test',
        createdAt: now,
      };
      expect(await stores.identities.link(identity)).toBe(true);
      // Before the upgrade the new store fails loudly, never answers "no factors" or "no challenge".
      await expect(stores.mfa!.getFactors('u')).rejects.toThrow(/does not exist/);
      await expect(stores.mfa!.takeChallenge('k', now)).rejects.toThrow(/does not exist/);

      expect(await migrate(db, { schema })).toEqual({ applied: [4], version: LATEST_VERSION });
      expect(await tables(db, schema)).toEqual(ALL_TABLES);
      expect(await stores.identities.find(identity.issuer, identity.subject)).toEqual(identity);
      expect(await stores.mfa!.saveFactors('u', '{"totp":null}', 0, now)).toBe(true);
      expect(await stores.mfa!.getFactors('u')).toEqual({
        userId: 'u',
        version: 1,
        data: '{"totp": null}',
        updatedAt: now,
      });
      await stores.mfa!.putChallenge('k', 'v', now + 60_000);
      expect(await stores.mfa!.takeChallenge('k', now)).toBe('v');
    });
  });

  it('leaves migrating to a separate step when told to, and then fails loudly on missing tables', async () => {
    const db = database();
    const schema = testSchema();
    const stores = await createPostgresStores(db, { schema, migrate: false });
    await expect(stores.apiKeys.findById('k')).rejects.toThrow(/does not exist/);
    await expect(stores.rateLimiter({ keyPrefix: 'p', points: 1, duration: 1 }).consume('k')).rejects.toThrow(
      /does not exist/,
    );
    expect(await tables(db, schema)).toEqual([]);
  });

  it('refuses a schema name that is not a plain identifier, before touching the database', async () => {
    const db = database();
    for (const schema of [
      'Portcullis',
      'a-b',
      'x"; DROP SCHEMA public; --',
      '',
      '1abc',
      'pg_auth',
      'a'.repeat(64),
    ]) {
      await expect(migrate(db, { schema })).rejects.toThrow(TypeError);
      await expect(createPostgresStores(db, { schema })).rejects.toThrow(TypeError);
    }
  });
}

describe('migrate on PGlite', () => {
  let db: PGlite | undefined;
  beforeAll(async () => {
    db = await startPGlite();
  }, PGLITE_START_TIMEOUT);
  afterAll(async () => {
    await db?.close();
  });
  migrationBehaviour(() => db!);
});

describe.skipIf(!server.available)('migrate on a PostgreSQL server', () => {
  let pool: Pool | undefined;
  beforeAll(() => {
    pool = testPool(4);
  });
  afterAll(async () => {
    await pool?.end();
  });
  migrationBehaviour(() => pool!);

  it('lets several processes (pools) migrate one schema at once', async () => {
    const schema = testSchema();
    const pools = Array.from({ length: 4 }, () => testPool(2));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p, { schema })));
      expect(results.flatMap((r) => r.applied)).toEqual([1, 2, 3, 4]);
      expect((await recorded(pool!, schema)).map((v) => v.version)).toEqual([1, 2, 3, 4]);
      expect(await tables(pool!, schema)).toEqual(ALL_TABLES);
    } finally {
      await dropSchema(pool!, schema);
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('migrates different schemas side by side', async () => {
    const schemas = [testSchema(), testSchema(), testSchema()];
    try {
      const results = await Promise.all(schemas.map((schema) => migrate(pool!, { schema })));
      expect(results.map((r) => r.applied)).toEqual([
        [1, 2, 3, 4],
        [1, 2, 3, 4],
        [1, 2, 3, 4],
      ]);
    } finally {
      for (const schema of schemas) await dropSchema(pool!, schema);
    }
  });
});
