import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { probeService, runUserDirectorySuite } from '@portcullis/testkit';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlUserDirectory, type SqlClient } from './users.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
// Fails the file under CI=true when the server is unreachable, instead of skipping.
const server = await probeService('PostgreSQL', DATABASE_URL);
const PGLITE_START_TIMEOUT = 60_000;

const freshSchema = () => `demo_users_test_${randomBytes(6).toString('hex')}`;

/** A directory in a schema of its own, dropped by `teardown`. */
async function inFreshSchema(db: SqlClient) {
  const schema = freshSchema();
  return {
    users: await createSqlUserDirectory(db, schema),
    teardown: async () => {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

/** What only the SQL directory does: upgrading an older table, refusing a bad schema name. */
function sqlBehaviour(database: () => SqlClient) {
  it('adds email_verified to a table made before it existed, keeping its users (unverified)', async () => {
    const db = database();
    const schema = freshSchema();
    try {
      await db.query(`CREATE SCHEMA "${schema}"`);
      await db.query(
        `CREATE TABLE "${schema}"."demo_users" (
           id BIGSERIAL PRIMARY KEY,
           email TEXT NOT NULL UNIQUE,
           role TEXT NOT NULL,
           password_hash TEXT,
           created_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )`,
      );
      await db.query(
        `INSERT INTO "${schema}"."demo_users" (email, role, password_hash) VALUES ('old@example.test', 'admin', 'h')`,
      );
      const users = await createSqlUserDirectory(db, schema);
      const old = await users.findByEmail('old@example.test');
      expect(old).toEqual({
        id: expect.any(String),
        email: 'old@example.test',
        role: 'admin',
        passwordHash: 'h',
        emailVerified: false,
      });
      expect(await users.update(old!.id, { emailVerified: true }, { emailVerified: false })).toEqual({
        ...old,
        emailVerified: true,
      });
      // Opening it again (every start) changes nothing.
      const again = await createSqlUserDirectory(db, schema);
      expect(await again.findById(old!.id)).toEqual({ ...old, emailVerified: true });
      expect(await again.count()).toBe(1);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it('refuses a schema name that is not a plain identifier, before touching the database', async () => {
    const touched: string[] = [];
    const spy: SqlClient = {
      query: async (text) => {
        touched.push(text);
        return { rows: [] };
      },
    };
    for (const schema of ['Users', 'a-b', 'x"; DROP SCHEMA public; --', '', '1abc'])
      await expect(createSqlUserDirectory(spy, schema)).rejects.toThrow(TypeError);
    expect(touched).toEqual([]);
  });

  it('treats an expectation given as undefined as matching nobody, as the memory directory does', async () => {
    const { users, teardown } = await inFreshSchema(database());
    try {
      const user = await users.create({
        email: 'u@example.test',
        passwordHash: null,
        role: 'user',
        emailVerified: false,
      });
      expect(await users.update(user!.id, { role: 'admin' }, { passwordHash: undefined })).toBeNull();
      expect(await users.update(user!.id, { role: 'admin' }, { emailVerified: undefined })).toBeNull();
      expect(await users.findById(user!.id)).toEqual(user);
    } finally {
      await teardown();
    }
  });
}

describe('SQL user directory on PGlite', () => {
  // One in-memory PGlite for the file (starting one takes seconds); each test gets a fresh schema in it.
  let lite: PGlite | undefined;
  beforeAll(async () => {
    lite = new PGlite();
    await lite.waitReady;
  }, PGLITE_START_TIMEOUT);
  afterAll(async () => {
    await lite?.close();
  });
  runUserDirectorySuite('SQL on PGlite', () => inFreshSchema(lite!));
  sqlBehaviour(() => lite!);
});

describe.skipIf(!server.available)('SQL user directory on a PostgreSQL server', () => {
  // Ten connections: the concurrent registrations and updates really race on the server.
  let pool: Pool | undefined;
  const db = () => {
    if (pool === undefined) {
      pool = new Pool({ connectionString: DATABASE_URL, max: 10 });
      pool.on('error', () => {});
    }
    return pool;
  };
  afterAll(async () => {
    await pool?.end();
  });
  runUserDirectorySuite('SQL on PostgreSQL', () => inFreshSchema(db()));
  sqlBehaviour(db);
});
