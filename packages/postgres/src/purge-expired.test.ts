import type { AuthStores } from '@portcullis/core';
import { probeService } from '@portcullis/testkit';
import { expect, it } from 'vitest';
import { createPostgresStores } from './create-postgres-stores.js';
import type { PostgresDatabase } from './database.js';
import { purgeExpired } from './purge-expired.js';
import { DATABASE_URL, describeOnBoth, dropSchema, testSchema } from './testing/databases.js';

const server = await probeService('PostgreSQL', DATABASE_URL);
const MINUTE = 60_000;

async function seed(stores: AuthStores, now: number) {
  await stores.revocations.revokeToken('dead-jti', now - 1);
  await stores.revocations.revokeToken('live-jti', now + MINUTE);
  await stores.revocations.revokeSubject('dead-subject', now - MINUTE, now - 1);
  const session = { subject: 'u', createdAt: now - 2 * MINUTE, data: {} };
  await stores.sessions.create({
    ...session,
    idHash: 'idle',
    idleExpiresAt: now - 1,
    absoluteExpiresAt: now + MINUTE,
  });
  await stores.sessions.create({
    ...session,
    idHash: 'ended',
    idleExpiresAt: now + MINUTE,
    absoluteExpiresAt: now,
  });
  await stores.sessions.create({
    ...session,
    idHash: 'live',
    idleExpiresAt: now + MINUTE,
    absoluteExpiresAt: now + MINUTE,
  });
  const family = { subject: 'u', createdAt: now - 2 * MINUTE, revokedAt: null, data: {} };
  await stores.refreshTokens.createFamily({ ...family, id: 'old', expiresAt: now - 1 }, 'old-1', now - 1);
  await stores.refreshTokens.createFamily(
    { ...family, id: 'current', expiresAt: now + MINUTE },
    'cur-1',
    now + MINUTE,
  );
  await stores.apiKeys.create({
    id: 'expired-key',
    ownerId: 'u',
    name: 'old',
    prefix: 'pc_live',
    scopes: [],
    hash: 'h',
    createdAt: now - 2 * MINUTE,
    expiresAt: now - MINUTE,
    revokedAt: now - MINUTE,
    lastUsedAt: null,
    rolledFrom: null,
  });
}

function purgeBehaviour(database: () => PostgresDatabase) {
  it('deletes only rows no store would read again, and keeps API keys, identities and MFA factors', async () => {
    const db = database();
    const schema = testSchema();
    try {
      const stores = await createPostgresStores(db, { schema });
      const now = Date.now();
      await seed(stores, now);
      const limiter = stores.rateLimiter({ keyPrefix: 'purge', points: 5, duration: 1 });
      await limiter.consume('ip');
      await stores.oauthStates!.consume('spent-expired', now + 1000);
      await stores.oauthStates!.consume('spent-live', now + MINUTE);
      const token = { purpose: 'verify_email' as const, email: 'u@example.test', createdAt: now - MINUTE };
      await stores.oneTimeTokens.issue({
        ...token,
        hash: 'ott-expired',
        subject: 'u',
        expiresAt: now + 1000,
      });
      await stores.oneTimeTokens.issue({ ...token, hash: 'ott-live', subject: 'v', expiresAt: now + MINUTE });
      const identity = {
        issuer: 'https://idp.example.test',
        subject: 'sub-1',
        userId: 'u',
        provider: 'oidc',
      };
      await stores.identities.link({ ...identity, email: 'u@example.test', createdAt: now - 2 * MINUTE });
      await stores.mfa!.putChallenge('mfa-expired', 'gone', now + 1000);
      await stores.mfa!.putChallenge('mfa-live', 'kept', now + MINUTE);
      expect(await stores.mfa!.saveFactors('u', '{"totp":{}}', 0, now - 2 * MINUTE)).toBe(true);

      expect(await purgeExpired(db, { schema, now: now + 5000 })).toEqual({
        revocations: 2,
        sessions: 2,
        refreshFamilies: 1,
        rateLimits: 1,
        oauthStates: 1,
        oneTimeTokens: 1,
        mfaChallenges: 1,
      });
      expect(await purgeExpired(db, { schema, now: now + 5000 })).toEqual({
        revocations: 0,
        sessions: 0,
        refreshFamilies: 0,
        rateLimits: 0,
        oauthStates: 0,
        oneTimeTokens: 0,
        mfaChallenges: 0,
      });
      // A live spent state stays spent.
      expect(await stores.oauthStates!.consume('spent-live', now + MINUTE)).toBe(false);
      const check = { tokenId: 'live-jti', sessionId: undefined, subject: 'u', issuedAt: now };
      expect(await stores.revocations.isRevoked(check, now)).toBe(true);
      expect(await stores.sessions.get('live', now)).not.toBeNull();
      expect(await stores.refreshTokens.findFamilyByToken('old-1')).toBeNull();
      expect((await stores.refreshTokens.findFamilyByToken('cur-1'))?.id).toBe('current');
      expect((await stores.apiKeys.findById('expired-key'))?.id).toBe('expired-key');
      // Gone, not just judged expired: at an earlier `now` it would still have been spent.
      expect(await stores.oneTimeTokens.consume('ott-expired', 'verify_email', now)).toBeNull();
      expect((await stores.oneTimeTokens.consume('ott-live', 'verify_email', now))?.subject).toBe('v');
      expect((await stores.identities.find(identity.issuer, identity.subject))?.userId).toBe('u');
      expect(await stores.mfa!.peekChallenge('mfa-expired', now)).toBeNull();
      expect(await stores.mfa!.takeChallenge('mfa-live', now)).toBe('kept');
      expect((await stores.mfa!.getFactors('u'))?.version).toBe(1);
    } finally {
      await dropSchema(db, schema);
    }
  });
}

describeOnBoth('purgeExpired', server.available, purgeBehaviour);
