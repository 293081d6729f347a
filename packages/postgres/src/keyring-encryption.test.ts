// The keyring's private keys as they really lie in a PGlite row: sealed, tamper-evident, bound to a KEK.
import type { PGlite } from '@electric-sql/pglite';
import { createKeyring, generateKeyEncryptionKey, type Keyring } from '@portcullis/core';
import { KeyringSnapshotError, type KeyringStore } from '@portcullis/core/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrations/migrate.js';
import { createPostgresKeyringStore } from './stores/keyring-store.js';
import { PGLITE_START_TIMEOUT, startPGlite, testSchema } from './testing/databases.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const KEK = generateKeyEncryptionKey();

describe('a keyring sealed under a key-encryption key, in a real PGlite row', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await startPGlite();
  }, PGLITE_START_TIMEOUT);
  afterAll(async () => {
    await db?.close();
  });

  async function freshStore(): Promise<{ store: KeyringStore; table: string }> {
    const schema = testSchema();
    await migrate(db, { schema });
    return { store: createPostgresKeyringStore(db, { schema }), table: `"${schema}".keyring` };
  }

  async function rowText(table: string): Promise<string> {
    const { rows } = await db.query<{ text: string }>(`SELECT snapshot::text AS text FROM ${table}`);
    expect(rows).toHaveLength(1);
    return rows[0]!.text;
  }

  function privateSpellings(keyring: Keyring): string[] {
    return keyring.entries().flatMap(({ key }) => {
      const jwk = key.exportPrivateJwk();
      return PRIVATE_MEMBERS.filter((m) => typeof jwk[m] === 'string').flatMap((m) => {
        const bytes = Buffer.from(jwk[m] as string, 'base64url');
        return [jwk[m] as string, bytes.toString('base64'), bytes.toString('hex')];
      });
    });
  }

  it.each(['EdDSA', 'RS256', 'HS256'] as const)(
    'stores no private member and no key bytes of a %s keyring',
    async (algorithm) => {
      const { store, table } = await freshStore();
      const keyring = await createKeyring({ algorithm, store, keyEncryptionKey: KEK });
      await keyring.rotate();
      const row = await rowText(table);
      expect(JSON.parse(row).format).toBe('portcullis.keyring.v2');
      for (const member of PRIVATE_MEMBERS) expect(row).not.toMatch(new RegExp(`"${member}"\\s*:`));
      for (const spelling of privateSpellings(keyring)) expect(row).not.toContain(spelling);
      const restarted = await createKeyring({ algorithm, store, keyEncryptionKey: KEK });
      expect(restarted.current().kid).toBe(keyring.current().kid);
    },
  );

  it('fails closed on a row whose sealed keys were swapped between kids, and leaves it as it was', async () => {
    const { store, table } = await freshStore();
    const keyring = await createKeyring({ store, keyEncryptionKey: KEK });
    await keyring.rotate();
    // As someone with write access to the table would: the kids stay, the sealed keys trade places.
    await db.query(
      `UPDATE ${table} SET snapshot = jsonb_set(jsonb_set(snapshot,
         '{keys,0,sealedJwk}', snapshot #> '{keys,1,sealedJwk}'),
         '{keys,1,sealedJwk}', snapshot #> '{keys,0,sealedJwk}')`,
    );
    const tampered = await rowText(table);
    const error = await createKeyring({ store, keyEncryptionKey: KEK }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyringSnapshotError);
    expect((error as Error).message).toMatch(/failed authentication/);
    expect(await rowText(table)).toBe(tampered);
  });

  it('fails closed on a flipped ciphertext character, and under a wrong key-encryption key', async () => {
    const { store, table } = await freshStore();
    await createKeyring({ store, keyEncryptionKey: KEK });
    const row = await rowText(table);
    await expect(createKeyring({ store, keyEncryptionKey: generateKeyEncryptionKey() })).rejects.toThrow(
      /not configured/,
    );
    const snapshot = JSON.parse(row) as { keys: Array<{ sealedJwk: { ct: string } }> };
    const ct = snapshot.keys[0]!.sealedJwk.ct;
    snapshot.keys[0]!.sealedJwk.ct = `${ct.slice(0, 5)}${ct[5] === 'A' ? 'B' : 'A'}${ct.slice(6)}`;
    await db.query(`UPDATE ${table} SET snapshot = $1::jsonb`, [JSON.stringify(snapshot)]);
    await expect(createKeyring({ store, keyEncryptionKey: KEK })).rejects.toThrow(/failed authentication/);
  });
});
