import { probeService, runStoreSuite } from '@portcullis/testkit';
import type { Pool } from 'pg';
import { afterAll, describe } from 'vitest';
import { createPostgresStores } from '../create-postgres-stores.js';
import { DATABASE_URL, dropSchema, testPool, testSchema } from '../testing/databases.js';

const server = await probeService('PostgreSQL', DATABASE_URL);

describe.skipIf(!server.available)('on a PostgreSQL server', () => {
  // Ten connections: the concurrent-rotation and keyring tests really race on the server.
  let pool: Pool | undefined;
  afterAll(async () => {
    await pool?.end();
  });

  runStoreSuite('PostgreSQL', async () => {
    pool ??= testPool(10);
    const db = pool;
    const schema = testSchema();
    const stores = await createPostgresStores(db, { schema });
    return { stores, teardown: () => dropSchema(db, schema) };
  });
});
