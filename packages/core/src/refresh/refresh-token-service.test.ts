import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { createMemoryRefreshTokenStore } from '../stores/memory/memory-refresh-token-store.js';
import type { RefreshTokenStore } from '../stores/refresh-token-store.js';
import { fakeClock } from '../testing/token-fixtures.js';
import { createRefreshTokenService, revokedFamilyOf } from './refresh-token-service.js';

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe('invalid_grant');
  expect((error as AuthError).status).toBe(401);
  return error as AuthError;
}

function setup(options: { ttl?: string; familyLifetime?: string } = {}) {
  const clock = fakeClock();
  const hashesSeen: string[] = [];
  const inner = createMemoryRefreshTokenStore();
  let lookups = 0;
  const store: RefreshTokenStore = {
    ...inner,
    createFamily: (family, hash, exp) => {
      hashesSeen.push(hash);
      return inner.createFamily(family, hash, exp);
    },
    rotate: (hash, next, exp, now) => {
      lookups += 1;
      hashesSeen.push(hash, next);
      return inner.rotate(hash, next, exp, now);
    },
  };
  const service = createRefreshTokenService({ store, clock, ...options });
  return { service, clock, hashesSeen, lookups: () => lookups };
}

describe('refresh tokens', () => {
  it('are opaque, carry 256 random bits, and are stored only as hashes', async () => {
    const { service, hashesSeen } = setup();
    const { token } = await service.issue('user-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const next = await service.rotate(token);
    expect(hashesSeen).not.toContain(token);
    expect(hashesSeen).not.toContain(next.token);
  });

  it('rotate at every use: the old token is spent, the new one works', async () => {
    const { service } = setup();
    const first = await service.issue('user-1', { method: 'password' });
    const second = await service.rotate(first.token);
    expect(second.token).not.toBe(first.token);
    expect(second.family.id).toBe(first.family.id);
    expect(second.family.data).toEqual({ method: 'password' });
    const third = await service.rotate(second.token);
    expect(third.family.id).toBe(first.family.id);
  });

  it('revoke the whole family when a spent token is replayed (RFC 9700 §4.14.2)', async () => {
    const { service } = setup();
    const stolen = await service.issue('user-1');
    const legit = await service.rotate(stolen.token);
    const replay = await refusal(service.rotate(stolen.token));
    expect(replay.reason).toBe('reused');
    expect(revokedFamilyOf(replay)?.id).toBe(stolen.family.id);
    // The newest token of the family stops working too.
    expect((await refusal(service.rotate(legit.token))).reason).toBe('invalid');
  });

  it('let exactly one of 50 concurrent refreshes succeed', async () => {
    const { service } = setup();
    const { token } = await service.issue('user-1');
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => service.rotate(token)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as AuthError).code).toBe('invalid_grant');
  });

  it('expire, and a family ends at its absolute lifetime however recently it rotated', async () => {
    const { service, clock } = setup({ ttl: '1d', familyLifetime: '2d' });
    const a = await service.issue('user-1');
    clock.advance(86400);
    expect((await refusal(service.rotate(a.token))).reason).toBe('invalid');

    const b = await service.issue('user-1');
    clock.advance(86400 - 10);
    const b2 = await service.rotate(b.token);
    clock.advance(86400 - 10);
    const b3 = await service.rotate(b2.token);
    expect(b3.expiresAt).toBe(b.family.expiresAt);
    clock.advance(20);
    expect((await refusal(service.rotate(b3.token))).reason).toBe('invalid');
  });

  it('refuse a malformed token without asking the store', async () => {
    const { service, lookups } = setup();
    for (const junk of ['', 'abc', 'x'.repeat(44), `${'A'.repeat(42)}=`, 42 as unknown as string]) {
      expect((await refusal(service.rotate(junk))).reason).toBe('malformed');
    }
    expect(lookups()).toBe(0);
  });

  it('revoke one family, or all of a subject', async () => {
    const { service } = setup();
    const a = await service.issue('user-1');
    const b = await service.issue('user-1');
    const other = await service.issue('user-2');
    expect(await service.revokeFamily(a.family.id)).toBe(true);
    await refusal(service.rotate(a.token));
    expect(await service.revokeSubject('user-1')).toEqual([b.family.id]);
    await refusal(service.rotate(b.token));
    await expect(service.rotate(other.token)).resolves.toBeDefined();
  });
});
