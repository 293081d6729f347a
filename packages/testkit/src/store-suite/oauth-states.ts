import type { OAuthStateStore } from '@portcullis/core/stores';
import { expect, it } from 'vitest';
import { HOUR, type StoreSuiteContext, uniqueId } from './context.js';

/** The OAuth sign-in `state` store: each state is spent once, atomically, across every app instance. */
export function oauthStateSuite(ctx: StoreSuiteContext): void {
  const states = (): OAuthStateStore => {
    const store = ctx.stores().oauthStates;
    // Without one, core falls back to check-then-mark in the revocation store, which two racing
    // callbacks can both pass: every shipped store has its own.
    if (store === undefined) throw new Error('store suite: stores.oauthStates is missing');
    return store;
  };

  it('oauth state: spends a state once; a replay is refused', async () => {
    const key = uniqueId('state');
    const expiresAt = Date.now() + HOUR;
    expect(await states().consume(key, expiresAt)).toBe(true);
    expect(await states().consume(key, expiresAt)).toBe(false);
    expect(await states().consume(key, expiresAt + HOUR)).toBe(false);
  });

  it('oauth state: of 20 concurrent callbacks with the same state, exactly one wins', async () => {
    const key = uniqueId('state');
    const expiresAt = Date.now() + HOUR;
    const results = await Promise.all(Array.from({ length: 20 }, () => states().consume(key, expiresAt)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('oauth state: different states are independent', async () => {
    const expiresAt = Date.now() + HOUR;
    const [a, b] = [uniqueId('state'), uniqueId('state')];
    expect(await states().consume(a, expiresAt)).toBe(true);
    expect(await states().consume(b, expiresAt)).toBe(true);
  });
}
