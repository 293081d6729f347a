import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors/auth-error.js';
import { createMemoryRevocationStore } from '../stores/memory/memory-revocation-store.js';
import { tokenSetup } from '../testing/token-fixtures.js';
import { nodeCryptoBackend } from '../tokens/backends/node-crypto.js';
import { createRevocationService } from './revocation-service.js';

async function setup() {
  let revocations: ReturnType<typeof createRevocationService> | undefined;
  const fixture = await tokenSetup('EdDSA', nodeCryptoBackend, {
    isRevoked: (p) => revocations!.isRevoked(p),
  });
  revocations = createRevocationService({
    store: createMemoryRevocationStore({ clock: fixture.clock }),
    accessTokenTtl: 900,
    clock: fixture.clock,
  });
  return { ...fixture, revocations };
}

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: AuthError) => e.reason,
  );

describe('revocation', () => {
  it('denies one token at once, even when it is cached', async () => {
    const { issuer, verifier, revocations } = await setup();
    const a = await issuer.issue({ subject: 'user-1' });
    const b = await issuer.issue({ subject: 'user-1' });
    const principal = await verifier.verify(a.token);
    await revocations.revokeToken(principal);
    expect(await reasonOf(verifier.verify(a.token))).toBe('revoked');
    expect(await reasonOf(verifier.verify(b.token))).toBe('accepted');
  });

  it('denies every token of one login (refresh family)', async () => {
    const { issuer, verifier, revocations } = await setup();
    const a = await issuer.issue({ subject: 'user-1', sessionId: 'fam-1' });
    const b = await issuer.issue({ subject: 'user-1', sessionId: 'fam-1' });
    const other = await issuer.issue({ subject: 'user-1', sessionId: 'fam-2' });
    await revocations.revokeSession('fam-1');
    expect(await reasonOf(verifier.verify(a.token))).toBe('revoked');
    expect(await reasonOf(verifier.verify(b.token))).toBe('revoked');
    expect(await reasonOf(verifier.verify(other.token))).toBe('accepted');
  });

  it('denies every token a user got before "log out everywhere", and none issued after', async () => {
    const { issuer, verifier, revocations, clock } = await setup();
    const before = await issuer.issue({ subject: 'user-1' });
    const someoneElse = await issuer.issue({ subject: 'user-2' });
    clock.advance(2);
    await revocations.revokeSubject('user-1');
    clock.advance(1);
    const after = await issuer.issue({ subject: 'user-1' });
    expect(await reasonOf(verifier.verify(before.token))).toBe('revoked');
    expect(await reasonOf(verifier.verify(someoneElse.token))).toBe('accepted');
    expect(await reasonOf(verifier.verify(after.token))).toBe('accepted');
  });

  it('forgets a revocation once the token would have expired anyway', async () => {
    const { issuer, verifier, revocations, clock } = await setup();
    const a = await issuer.issue({ subject: 'user-1' });
    await revocations.revokeToken(await verifier.verify(a.token));
    clock.advance(900 + 61);
    expect(await reasonOf(verifier.verify(a.token))).toBe('expired');
  });
});
