import { probeService, uniqueId } from '@portcullis/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisStores } from './create-redis-stores.js';
import { connect, deleteByPrefix, keysUnder, REDIS_URL, uniquePrefix } from './testing/redis.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const redis = await probeService('Redis', REDIS_URL);

describe.skipIf(!redis.available)('Redis keys expire with what they hold', () => {
  let client: Redis;
  let prefix: string;
  let stores: ReturnType<typeof createRedisStores>;
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => {
    await client?.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix();
    stores = createRedisStores(client, { prefix });
  });
  afterEach(async () => {
    await deleteByPrefix(client, prefix);
  });

  /** Asserts that `key` expires at `expiresAt` (ms), within the time the test itself took. */
  async function expectExpiresAt(key: string, expiresAt: number, startedAt: number) {
    const pttl = await client.pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(expiresAt - startedAt);
    expect(pttl).toBeGreaterThan(expiresAt - Date.now() - 50);
  }

  it('gives each revocation a TTL ending at its expiresAt', async () => {
    const now = Date.now();
    const [jti, sid, subject] = [uniqueId('jti'), uniqueId('sid'), uniqueId('user')];
    await stores.revocations.revokeToken(jti, now + 15 * MINUTE);
    await stores.revocations.revokeSession(sid, now + 20 * MINUTE);
    await stores.revocations.revokeSubject(subject, now, now + 25 * MINUTE);
    await expectExpiresAt(`${prefix}rev:jti:${jti}`, now + 15 * MINUTE, now);
    await expectExpiresAt(`${prefix}rev:sid:${sid}`, now + 20 * MINUTE, now);
    await expectExpiresAt(`${prefix}rev:sub:${subject}`, now + 25 * MINUTE, now);
  });

  it('keeps the later expiry and the later moment when a revocation is repeated', async () => {
    const now = Date.now();
    const [jti, subject] = [uniqueId('jti'), uniqueId('user')];
    await stores.revocations.revokeToken(jti, now + 15 * MINUTE);
    await stores.revocations.revokeToken(jti, now + 5 * MINUTE);
    await expectExpiresAt(`${prefix}rev:jti:${jti}`, now + 15 * MINUTE, now);

    await stores.revocations.revokeSubject(subject, now, now + 5 * MINUTE);
    await stores.revocations.revokeSubject(subject, now - MINUTE, now + 25 * MINUTE);
    await expectExpiresAt(`${prefix}rev:sub:${subject}`, now + 25 * MINUTE, now);
    const check = { tokenId: undefined, sessionId: undefined, subject };
    expect(await stores.revocations.isRevoked({ ...check, issuedAt: now - 1 }, now + 20 * MINUTE)).toBe(true);
    expect(await stores.revocations.isRevoked({ ...check, issuedAt: now }, now)).toBe(false);
  });

  it('judges revocations by the `now` argument, not by the TTL alone', async () => {
    const now = Date.now();
    const jti = uniqueId('jti');
    await stores.revocations.revokeToken(jti, now + HOUR);
    const check = { tokenId: jti, sessionId: undefined, subject: uniqueId('user'), issuedAt: now };
    expect(await stores.revocations.isRevoked(check, now + HOUR - 1)).toBe(true);
    // The key still exists in Redis, but the entry is over by the caller's clock.
    expect(await client.exists(`${prefix}rev:jti:${jti}`)).toBe(1);
    expect(await stores.revocations.isRevoked(check, now + HOUR)).toBe(false);
  });

  it('expires a session at the earlier of its idle and absolute timeouts, and re-arms it on touch', async () => {
    const now = Date.now();
    const subject = uniqueId('user');
    const idHash = uniqueId('sid');
    const key = `${prefix}session:id:${idHash}`;
    const subjectKey = `${prefix}session:subject:${subject}`;
    await stores.sessions.create({
      idHash,
      subject,
      createdAt: now,
      absoluteExpiresAt: now + 12 * HOUR,
      idleExpiresAt: now + 30 * MINUTE,
      data: {},
    });
    await expectExpiresAt(key, now + 30 * MINUTE, now);
    // The subject's index holds the session until its absolute expiry, which no touch can pass.
    await expectExpiresAt(subjectKey, now + 12 * HOUR, now);
    expect(await client.zscore(subjectKey, idHash)).toBe(String(now + 12 * HOUR));

    expect(await stores.sessions.touch(idHash, now + HOUR)).toBe(true);
    await expectExpiresAt(key, now + HOUR, now);
    expect(await stores.sessions.touch(idHash, now + 13 * HOUR)).toBe(true);
    await expectExpiresAt(key, now + 12 * HOUR, now);
    expect((await stores.sessions.get(idHash, now))?.data).toEqual({});

    await stores.sessions.delete(idHash);
    expect(await client.exists(key, subjectKey)).toBe(0);
  });

  it('keeps a subject’s session set as long as its longest-bound session, and removes it with deleteBySubject', async () => {
    const now = Date.now();
    const subject = uniqueId('user');
    const subjectKey = `${prefix}session:subject:${subject}`;
    const session = (absolute: number) => ({
      idHash: uniqueId('sid'),
      subject,
      createdAt: now,
      absoluteExpiresAt: now + absolute,
      idleExpiresAt: now + 10 * MINUTE,
      data: { roles: ['user'] },
    });
    const [short, long] = [session(HOUR), session(2 * HOUR)];
    await stores.sessions.create(long);
    await stores.sessions.create(short);
    await expectExpiresAt(subjectKey, now + 2 * HOUR, now);
    await stores.sessions.deleteBySubject(subject);
    expect(await keysUnder(client, `${prefix}session:`)).toEqual([]);
  });

  it('keeps an index member whose session is missing — a create may be under way — until its absolute expiry', async () => {
    const now = Date.now();
    const subject = uniqueId('user');
    const subjectKey = `${prefix}session:subject:${subject}`;
    const record = {
      idHash: uniqueId('sid'),
      subject,
      createdAt: now,
      absoluteExpiresAt: now + HOUR,
      idleExpiresAt: now + 10 * MINUTE,
      data: {},
    };
    await stores.sessions.create(record);
    // As if deleteBySubject ran between create's two steps: indexed, session not stored yet.
    await client.del(`${prefix}session:id:${record.idHash}`);
    await stores.sessions.deleteBySubject(subject);
    expect(await client.zrange(subjectKey, '0', '-1')).toEqual([record.idHash]);
    await stores.sessions.create(record);
    await stores.sessions.deleteBySubject(subject);
    expect(await stores.sessions.get(record.idHash, now)).toBeNull();
    expect(await keysUnder(client, `${prefix}session:`)).toEqual([]);
  });

  it('drops members of a subject set whose session is past its absolute expiry', async () => {
    const now = Date.now();
    const subject = uniqueId('user');
    const subjectKey = `${prefix}session:subject:${subject}`;
    const base = { subject, createdAt: now - 2 * HOUR, idleExpiresAt: now + HOUR, data: {} };
    const gone = { ...base, idHash: uniqueId('sid'), absoluteExpiresAt: now - 1 };
    const live = { ...base, idHash: uniqueId('sid'), absoluteExpiresAt: now + HOUR };
    await stores.sessions.create(gone);
    expect(await client.exists(`${prefix}session:id:${gone.idHash}`, subjectKey)).toBe(0);
    await stores.sessions.create(live);
    expect(await client.zrange(subjectKey, '0', '-1')).toEqual([live.idHash]);
  });

  it('expires every key of a refresh family with the family, not with the token', async () => {
    const now = Date.now();
    const subject = uniqueId('user');
    const family = {
      id: uniqueId('fam'),
      subject,
      createdAt: now,
      expiresAt: now + 24 * HOUR,
      revokedAt: null,
      data: {},
    };
    const [t1, t2] = [uniqueId('h'), uniqueId('h')];
    await stores.refreshTokens.createFamily(family, t1, now + HOUR);
    expect((await stores.refreshTokens.rotate(t1, t2, now + 2 * HOUR, now + 1)).outcome).toBe('rotated');
    const group = `${prefix}rt:{family:${family.id}}`;
    for (const key of [
      group,
      `${group}:token:${t1}`,
      `${group}:token:${t2}`,
      `${prefix}rt:token-family:${t1}`,
      `${prefix}rt:token-family:${t2}`,
      `${prefix}rt:families:${subject}`,
    ]) {
      await expectExpiresAt(key, family.expiresAt, now);
    }
    expect(await client.hget(`${group}:token:${t2}`, 'expiresAt')).toBe(String(now + 2 * HOUR));
    expect(await keysUnder(client, prefix)).toHaveLength(6);
    expect((await stores.refreshTokens.findFamily(family.id))?.data).toEqual({});
  });

  it('expires a subject’s one-time tokens with the longest-lived, and each lookup with its token', async () => {
    const now = Date.now();
    const subject = uniqueId('user');
    const token = (purpose: 'verify_email' | 'reset_password', lifetime: number) => ({
      hash: uniqueId('ott'),
      purpose,
      subject,
      email: 'u@example.test',
      createdAt: now,
      expiresAt: now + lifetime,
    });
    const [verify, reset] = [token('verify_email', 2 * HOUR), token('reset_password', HOUR)];
    await stores.oneTimeTokens.issue(verify);
    await stores.oneTimeTokens.issue(reset);
    const tokensKey = `${prefix}ott:tokens:${subject}`;
    await expectExpiresAt(tokensKey, verify.expiresAt, now);
    await expectExpiresAt(`${prefix}ott:token-subject:${verify.hash}`, verify.expiresAt, now);
    await expectExpiresAt(`${prefix}ott:token-subject:${reset.hash}`, reset.expiresAt, now);
    expect(Object.keys(await client.hgetall(tokensKey)).sort()).toEqual(['reset_password', 'verify_email']);

    // A replacement overwrites its predecessor, and the hash then lives as long as its longest token left.
    const newer = token('verify_email', 30 * MINUTE);
    await stores.oneTimeTokens.issue(newer);
    await expectExpiresAt(tokensKey, reset.expiresAt, now);
    expect(await stores.oneTimeTokens.consume(verify.hash, 'verify_email', now)).toBeNull();
    expect(await stores.oneTimeTokens.consume(reset.hash, 'reset_password', now)).toEqual(reset);
    expect(Object.keys(await client.hgetall(tokensKey))).toEqual(['verify_email']);
    await stores.oneTimeTokens.revokeSubject(subject);
    expect(await client.exists(tokensKey)).toBe(0);
  });

  it('never expires identities, and leaves no key behind once they are unlinked', async () => {
    const now = Date.now();
    const userId = uniqueId('user');
    const identity = (subject: string) => ({
      issuer: 'https://idp.example.test',
      subject,
      userId,
      provider: 'oidc',
      email: 'u@example.test',
      createdAt: now,
    });
    const [a, b] = [identity(uniqueId('sub')), identity(uniqueId('sub'))];
    await stores.identities.link(a);
    await stores.identities.link(b);
    const keys = await keysUnder(client, prefix);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(await client.pttl(key)).toBe(-1);
    // One hash tag for the whole store, so that a link and its user's set change in one script.
    for (const key of keys) expect(key.startsWith(`${prefix}{${prefix}id}:`)).toBe(true);
    // Pair keys are digests: neither the issuer nor the subject shows in a key name.
    expect(keys.some((key) => key.includes(a.subject) || key.includes('idp.example'))).toBe(false);
    expect(await stores.identities.unlink(a.issuer, a.subject)).toBe(true);
    expect(await stores.identities.unlink(b.issuer, b.subject)).toBe(true);
    expect(await keysUnder(client, prefix)).toEqual([]);
  });

  it('expires an MFA challenge at its expiresAt, a replacement with its own, and never MFA factors', async () => {
    const now = Date.now();
    const [key, userId] = [uniqueId('challenge'), uniqueId('user')];
    await stores.mfa!.putChallenge(key, 'first', now + HOUR);
    const challengeKey = `${prefix}mfa:challenge:${key}`;
    await expectExpiresAt(challengeKey, now + HOUR, now);
    await stores.mfa!.putChallenge(key, 'second', now + 10 * MINUTE);
    await expectExpiresAt(challengeKey, now + 10 * MINUTE, now);
    expect(await stores.mfa!.takeChallenge(key, now)).toBe('second');
    expect(await client.exists(challengeKey)).toBe(0);

    expect(await stores.mfa!.saveFactors(userId, '{}', 0, now)).toBe(true);
    expect(await stores.mfa!.saveFactors(userId, '{"a":1}', 1, now)).toBe(true);
    expect(await client.pttl(`${prefix}mfa:factors:${userId}`)).toBe(-1);
    expect(await keysUnder(client, prefix)).toEqual([`${prefix}mfa:factors:${userId}`]);
    await stores.mfa!.deleteFactors(userId);
    expect(await keysUnder(client, prefix)).toEqual([]);
  });

  it('never stores an MFA challenge put with an expiry already past', async () => {
    const now = Date.now();
    const key = uniqueId('challenge');
    await stores.mfa!.putChallenge(key, 'stale', now - 1);
    expect(await keysUnder(client, prefix)).toEqual([]);
    expect(await stores.mfa!.peekChallenge(key, now - 10)).toBeNull();
  });

  it('never expires API keys or the keyring', async () => {
    const now = Date.now();
    const id = uniqueId('key');
    const ownerId = uniqueId('owner');
    await stores.apiKeys.create({
      id,
      ownerId,
      name: 'n',
      prefix: 'pc_live',
      scopes: [],
      hash: 'h',
      createdAt: now,
      expiresAt: now + MINUTE,
      revokedAt: null,
      lastUsedAt: null,
      rolledFrom: null,
    });
    await stores.keyring.save({ format: 'portcullis.keyring.v1', revision: 1, keys: [] }, 0);
    for (const key of [`${prefix}ak:key:${id}`, `${prefix}ak:owner:${ownerId}`, `${prefix}keyring`]) {
      expect(await client.pttl(key)).toBe(-1);
    }
    expect((await stores.apiKeys.findById(id))?.scopes).toEqual([]);
  });

  it('counts rate-limit points in a key that expires with its window', async () => {
    const limiter = stores.rateLimiter({ keyPrefix: 'login', points: 5, duration: 60 });
    await limiter.consume('alice');
    const key = `${prefix}rl:login:alice`;
    expect(await client.get(key)).toBe('1');
    const pttl = await client.pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it('lets Redis delete revocations and sessions once they expire', async () => {
    const now = Date.now();
    const jti = uniqueId('jti');
    const idHash = uniqueId('sid');
    await stores.revocations.revokeToken(jti, now + 200);
    await stores.sessions.create({
      idHash,
      subject: uniqueId('user'),
      createdAt: now,
      absoluteExpiresAt: now + 200,
      idleExpiresAt: now + HOUR,
      data: {},
    });
    expect(await keysUnder(client, prefix)).toHaveLength(3);
    // The one real wait in this package: expiry happens on the server's clock.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await keysUnder(client, prefix)).toEqual([]);
  });
});
