import type { PGlite } from '@electric-sql/pglite';
import { runStoreSuite } from '@portcullis/testkit';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresStores } from '../create-postgres-stores.js';
import { dropSchema, PGLITE_START_TIMEOUT, startPGlite, testSchema } from '../testing/databases.js';

// One in-memory PGlite for the file (starting one takes seconds); each test gets a fresh schema in it.
let db: PGlite;
beforeAll(async () => {
  db = await startPGlite();
}, PGLITE_START_TIMEOUT);
afterAll(async () => {
  await db?.close();
});

runStoreSuite('PGlite', async () => {
  const lite = db;
  const schema = testSchema();
  const stores = await createPostgresStores(lite, { schema });
  return { stores, teardown: () => dropSchema(lite, schema) };
});
