import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { generateKeyEncryptionKey } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePepper } from './pepper.js';

const KEK = generateKeyEncryptionKey();

describe('the development API-key pepper in the database', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  async function freshSchema() {
    const schema = `demo_pepper_${randomBytes(6).toString('hex')}`;
    await db.query(`CREATE SCHEMA "${schema}"`);
    return schema;
  }
  async function storedValue(schema: string) {
    const { rows } = await db.query<{ value: string }>(
      `SELECT value FROM "${schema}"."demo_settings" WHERE name = 'api_key_pepper'`,
    );
    return rows[0]!.value;
  }

  it('is sealed under KEYRING_KEK: the row alone does not give it away, the same pepper comes back', async () => {
    const schema = await freshSchema();
    const pepper = await resolvePepper(db, schema, undefined, false, KEK);
    const stored = await storedValue(schema);
    expect(stored).not.toContain(pepper);
    expect(stored).not.toContain(Buffer.from(pepper, 'base64url').toString('hex'));
    expect(JSON.parse(stored)).toMatchObject({ v: 'portcullis.sealed.v1', enc: 'A256GCM' });
    expect(await resolvePepper(db, schema, undefined, false, KEK)).toBe(pepper);
  });

  it('seals a pepper an earlier version kept in the clear, keeping its value', async () => {
    const schema = await freshSchema();
    const legacy = randomBytes(32).toString('base64url');
    await db.query(`CREATE TABLE "${schema}"."demo_settings" (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    await db.query(`INSERT INTO "${schema}"."demo_settings" VALUES ('api_key_pepper', $1)`, [legacy]);
    expect(await resolvePepper(db, schema, undefined, false, KEK)).toBe(legacy);
    expect(await storedValue(schema)).not.toContain(legacy);
    expect(await resolvePepper(db, schema, undefined, false, KEK)).toBe(legacy);
  });

  it('fails start-up under another KEK, or when its sealed value was altered, rather than making a new one', async () => {
    const schema = await freshSchema();
    await resolvePepper(db, schema, undefined, false, KEK);
    const stored = await storedValue(schema);
    await expect(resolvePepper(db, schema, undefined, false, generateKeyEncryptionKey())).rejects.toThrow(
      /cannot be opened with KEYRING_KEK: sealed under a key-encryption key that is not configured/,
    );
    const sealed = JSON.parse(stored) as { ct: string };
    sealed.ct = `${sealed.ct[0] === 'A' ? 'B' : 'A'}${sealed.ct.slice(1)}`;
    await db.query(`UPDATE "${schema}"."demo_settings" SET value = $1`, [JSON.stringify(sealed)]);
    await expect(resolvePepper(db, schema, undefined, false, KEK)).rejects.toThrow(/failed authentication/);
  });

  it('comes from API_KEY_PEPPER in production, and is refused without it', async () => {
    const schema = await freshSchema();
    await expect(resolvePepper(db, schema, undefined, true, KEK)).rejects.toThrow(
      /^API_KEY_PEPPER is required/,
    );
    const fromEnv = randomBytes(32).toString('base64url');
    expect(await resolvePepper(db, schema, fromEnv, true, undefined)).toBe(fromEnv);
  });
});
