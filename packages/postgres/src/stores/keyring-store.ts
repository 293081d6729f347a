import type { KeyringSnapshot, KeyringStore } from '@portcullis/core/keys';
import type { PostgresDatabase } from '../database.js';
import { type Queryable, toQueryable } from '../lib/queryable.js';
import { type Tables, tableNames } from '../lib/schema.js';
import type { PostgresStoreOptions } from '../options.js';

/** @internal The store over an already wrapped connection and validated schema. */
export function keyringStore(db: Queryable, t: Tables): KeyringStore {
  const load = `SELECT snapshot FROM ${t.keyring} WHERE id = 1`;
  // Revision 0 means "nothing stored": only the first of concurrent first writers inserts the row.
  const insertFirst = `INSERT INTO ${t.keyring} (id, revision, snapshot, updated_at) VALUES (1, $1, $2::jsonb, $3)
    ON CONFLICT (id) DO NOTHING RETURNING id`;
  // Otherwise compare-and-set: the row lock orders writers, and the loser's re-checked condition fails.
  const replace = `UPDATE ${t.keyring} SET revision = $1, snapshot = $2::jsonb, updated_at = $3
    WHERE id = 1 AND revision = $4 RETURNING id`;
  return {
    async load() {
      const { rows } = await db.query<{ snapshot: KeyringSnapshot }>(load);
      return rows[0] === undefined ? null : rows[0].snapshot;
    },
    async save(snapshot, expectedRevision) {
      const json = JSON.stringify(snapshot);
      const { rows } =
        expectedRevision === 0
          ? await db.query(insertFirst, [snapshot.revision, json, Date.now()])
          : await db.query(replace, [snapshot.revision, json, Date.now(), expectedRevision]);
      return rows.length > 0;
    },
  };
}

/**
 * A `KeyringStore` in PostgreSQL: one row (table `keyring`) holding the snapshot and its revision, saved by
 * compare-and-set. With `keyEncryptionKey` (required in production) the private keys in it are sealed;
 * still restrict who can write the table. Run `migrate` first.
 *
 * @example const keyring = await createKeyring({ store: createPostgresKeyringStore(pool) });
 */
export function createPostgresKeyringStore(
  db: PostgresDatabase,
  options: PostgresStoreOptions = {},
): KeyringStore {
  return keyringStore(
    toQueryable(db, 'createPostgresKeyringStore'),
    tableNames(options.schema, 'createPostgresKeyringStore'),
  );
}
