import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthStores } from '@portcullis/core';
import type { KeyringSnapshot } from '@portcullis/core/keys';
import type { ApiKeyRecord, IdentityRecord, RefreshFamily } from '@portcullis/core/stores';
import { probeService } from '@portcullis/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores } from './create-postgres-stores.js';
import {
  DATABASE_URL,
  dropSchema,
  PGLITE_START_TIMEOUT,
  startPGlite,
  testPool,
  testSchema,
} from './testing/databases.js';

const server = await probeService('PostgreSQL', DATABASE_URL);

const now = Date.now();
const apiKey: ApiKeyRecord = {
  id: 'key_persist',
  ownerId: 'svc-billing',
  name: 'billing export',
  prefix: 'pc_live',
  scopes: ['invoices:read'],
  hash: 'aGFzaA',
  createdAt: now,
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: now + 5,
  rolledFrom: null,
};
const family: RefreshFamily = {
  id: 'fam_persist',
  subject: 'user-42',
  createdAt: now,
  expiresAt: now + 86_400_000,
  revokedAt: null,
  data: { method: 'password', mfa: true },
};
const identity: IdentityRecord = {
  issuer: 'https://accounts.example.test',
  subject: '1098765',
  userId: 'user-42',
  provider: 'google',
  email: 'user-42@example.test',
  createdAt: now,
};
const mfaFactors = JSON.stringify({ totp: { sealed: 'v1.sealed-secret' }, recoveryCodes: ['$argon2id$…'] });
const snapshot: KeyringSnapshot = {
  format: 'portcullis.keyring.v1',
  revision: 1,
  keys: [{ jwk: { kty: 'OKP', crv: 'Ed25519', x: 'pub', d: 'priv' }, createdAt: now, retiresAt: null }],
};

async function write(stores: AuthStores) {
  await stores.apiKeys.create(apiKey);
  await stores.refreshTokens.createFamily(family, 'token-hash-1', now + 3_600_000);
  expect(await stores.keyring.save(snapshot, 0)).toBe(true);
  expect(await stores.identities.link(identity)).toBe(true);
  expect(await stores.mfa!.saveFactors(identity.userId, mfaFactors, 0, now)).toBe(true);
}

async function expectAllThere(stores: AuthStores) {
  expect(await stores.apiKeys.findById(apiKey.id)).toEqual(apiKey);
  expect(await stores.refreshTokens.findFamily(family.id)).toEqual(family);
  expect(await stores.refreshTokens.findFamilyByToken('token-hash-1')).toEqual(family);
  expect(await stores.keyring.load()).toEqual(snapshot);
  expect(await stores.identities.find(identity.issuer, identity.subject)).toEqual(identity);
  const factors = await stores.mfa!.getFactors(identity.userId);
  expect(factors).toMatchObject({ userId: identity.userId, version: 1, updatedAt: now });
  expect(JSON.parse(factors!.data)).toEqual(JSON.parse(mfaFactors));
  // Written state keeps its meaning: the compare-and-sets still see revision 1 and version 1.
  expect(await stores.keyring.save({ ...snapshot, revision: 2 }, 0)).toBe(false);
  expect(await stores.mfa!.saveFactors(identity.userId, mfaFactors, 0, now)).toBe(false);
}

describe('persistence on PGlite in a directory', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it(
    'keeps API keys, refresh families, the keyring, identities and MFA factors across close and reopen',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'portcullis-pglite-'));
      dirs.push(dir);
      const first = await startPGlite(dir);
      await write(await createPostgresStores(first));
      await first.close();

      // A closed database fails loudly, never answers "not found".
      const closed = await createPostgresStores(first, { migrate: false });
      await expect(closed.apiKeys.findById(apiKey.id)).rejects.toThrow();

      const reopened = await startPGlite(dir);
      try {
        await expectAllThere(await createPostgresStores(reopened));
      } finally {
        await reopened.close();
      }
    },
    PGLITE_START_TIMEOUT,
  );
});

describe.skipIf(!server.available)('persistence on a PostgreSQL server', () => {
  it('keeps API keys, refresh families, the keyring, identities and MFA factors across pools', async () => {
    const schema = testSchema();
    const first = testPool(2);
    await write(await createPostgresStores(first, { schema }));
    await first.end();

    const closed = await createPostgresStores(first, { schema, migrate: false });
    await expect(closed.apiKeys.findById(apiKey.id)).rejects.toThrow();

    const second = testPool(2);
    try {
      await expectAllThere(await createPostgresStores(second, { schema }));
    } finally {
      await dropSchema(second, schema);
      await second.end();
    }
  });
});
