import type { AuthStores } from '@portcullis/core';
import type { ApiKeyRecord } from '@portcullis/core/stores';
import { probeService } from '@portcullis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresStores } from './create-postgres-stores.js';
import type { PostgresDatabase } from './database.js';
import { toQueryable } from './lib/queryable.js';
import { DATABASE_URL, describeOnBoth, dropSchema, testSchema } from './testing/databases.js';

const server = await probeService('PostgreSQL', DATABASE_URL);

// Values an attacker controls in practice (a key id parsed from a header, a subject from a login form).
const HOSTILE = [
  "x'); DROP TABLE api_keys; --",
  `"; DROP TABLE "portcullis"."sessions"; --`,
  "' OR '1'='1",
  'back\\slash \\x00 $1 $$dollar$$ {braces,"quotes"} NULL',
  'ünïcødé 🔑',
];

function injectionBehaviour(database: () => PostgresDatabase) {
  let db: PostgresDatabase;
  let schema: string;
  let stores: AuthStores;
  beforeAll(async () => {
    db = database();
    schema = testSchema();
    stores = await createPostgresStores(db, { schema });
  });
  afterAll(async () => {
    await dropSchema(db, schema);
  });

  it('stores and finds API keys by hostile ids, owners and scopes literally', async () => {
    const now = Date.now();
    for (const [i, value] of HOSTILE.entries()) {
      const key: ApiKeyRecord = {
        id: value,
        ownerId: `${value}-owner`,
        name: value,
        prefix: 'pc_live',
        scopes: [value, 'a,b', '"quoted"', 'NULL'],
        hash: value,
        createdAt: now - i,
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
        rolledFrom: value,
      };
      await stores.apiKeys.create(key);
      expect(await stores.apiKeys.findById(value)).toEqual(key);
      expect(await stores.apiKeys.listByOwner(`${value}-owner`)).toEqual([key]);
      expect(await stores.apiKeys.update(value, { revokedAt: now })).toBe(true);
    }
    expect(await stores.apiKeys.findById("nothing' OR '1'='1")).toBeNull();
    expect(await stores.apiKeys.listByOwner("' OR ''='")).toEqual([]);
  });

  it('stores sessions, refresh families and revocations under hostile values literally', async () => {
    const now = Date.now();
    for (const value of HOSTILE) {
      const session = {
        idHash: value,
        subject: value,
        createdAt: now,
        absoluteExpiresAt: now + 60_000,
        idleExpiresAt: now + 30_000,
        data: { note: value },
      };
      await stores.sessions.create(session);
      expect(await stores.sessions.get(value, now)).toEqual(session);

      const family = {
        id: `${value}-family`,
        subject: value,
        createdAt: now,
        expiresAt: now + 60_000,
        revokedAt: null,
        data: { [value]: value },
      };
      await stores.refreshTokens.createFamily(family, value, now + 60_000);
      expect(await stores.refreshTokens.findFamilyByToken(value)).toEqual(family);
      expect((await stores.refreshTokens.rotate(value, `${value}-next`, now + 60_000, now)).outcome).toBe(
        'rotated',
      );
      expect(await stores.refreshTokens.revokeSubject(value, now)).toEqual([family.id]);

      await stores.revocations.revokeToken(value, now + 60_000);
      const check = { tokenId: value, sessionId: undefined, subject: 'someone', issuedAt: now };
      expect(await stores.revocations.isRevoked(check, now)).toBe(true);
      expect(await stores.revocations.isRevoked({ ...check, tokenId: "' OR '1'='1' --" }, now)).toBe(false);

      await stores.sessions.deleteBySubject(value);
      expect(await stores.sessions.get(value, now)).toBeNull();
    }
    const limiter = stores.rateLimiter({ keyPrefix: HOSTILE[0]!, points: 2, duration: 60 });
    await expect(limiter.consume(HOSTILE[1]!)).resolves.toMatchObject({ remainingPoints: 1 });
  });

  it('stores one-time tokens and identities under hostile values literally', async () => {
    const now = Date.now();
    for (const value of HOSTILE) {
      const token = {
        hash: value,
        purpose: 'reset_password' as const,
        subject: value,
        email: value,
        createdAt: now,
        expiresAt: now + 60_000,
      };
      await stores.oneTimeTokens.issue(token);
      expect(await stores.oneTimeTokens.consume("nothing' OR '1'='1", 'reset_password', now)).toBeNull();
      expect(await stores.oneTimeTokens.consume(value, 'reset_password', now)).toEqual(token);
      await stores.oneTimeTokens.issue({ ...token, hash: `${value}-2` });
      await stores.oneTimeTokens.revokeSubject("nothing' OR ''='");
      await stores.oneTimeTokens.revokeSubject(value);
      expect(await stores.oneTimeTokens.consume(`${value}-2`, 'reset_password', now)).toBeNull();

      const identity = {
        issuer: value,
        subject: value,
        userId: value,
        provider: value,
        email: value,
        createdAt: now,
      };
      expect(await stores.identities.link(identity)).toBe(true);
      expect(await stores.identities.find(value, value)).toEqual(identity);
      expect(await stores.identities.find("nothing' OR '1'='1", "nothing' OR '1'='1")).toBeNull();
      expect(await stores.identities.listByUser(value)).toEqual([identity]);
      expect(await stores.identities.unlink("nothing' OR ''='", "nothing' OR ''='")).toBe(false);
      expect(await stores.identities.unlink(value, value)).toBe(true);
    }
  });

  it('stores MFA factors and challenges under hostile values literally', async () => {
    const now = Date.now();
    const mfa = stores.mfa!;
    for (const value of HOSTILE) {
      // The document is JSON text: a hostile value is a JSON string in it, escaped by JSON.stringify.
      const data = JSON.stringify({ [value]: value });
      expect(await mfa.saveFactors(value, data, 0, now)).toBe(true);
      expect(await mfa.saveFactors("nothing' OR '1'='1", data, 1, now)).toBe(false);
      const stored = await mfa.getFactors(value);
      expect(stored).toMatchObject({ userId: value, version: 1, updatedAt: now });
      expect(JSON.parse(stored!.data)).toEqual({ [value]: value });
      expect(await mfa.getFactors("nothing' OR '1'='1")).toBeNull();
      await mfa.deleteFactors("nothing' OR ''='");
      expect((await mfa.getFactors(value))?.version).toBe(1);
      await mfa.deleteFactors(value);
      expect(await mfa.getFactors(value)).toBeNull();

      await mfa.putChallenge(value, value, now + 60_000);
      expect(await mfa.peekChallenge("nothing' OR '1'='1", now)).toBeNull();
      expect(await mfa.takeChallenge("nothing' OR '1'='1", now)).toBeNull();
      expect(await mfa.peekChallenge(value, now)).toBe(value);
      expect(await mfa.takeChallenge(value, now)).toBe(value);
    }
  });

  it('still has every table afterwards', async () => {
    const { rows } = await toQueryable(db).query<{ n: number | string }>(
      'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    expect(Number(rows[0]?.n)).toBe(13);
    expect((await stores.apiKeys.findById(HOSTILE[0]!))?.revokedAt).not.toBeNull();
  });
}

describeOnBoth('hostile values', server.available, injectionBehaviour);
