import type { AuthStores } from '@portcullis/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { apiKeySuite } from './api-keys.js';
import type { StoreSuiteFixture, StoreSuiteSetup } from './context.js';
import { identitySuite } from './identities.js';
import { keyringSuite } from './keyring.js';
import { mfaSuite } from './mfa.js';
import { oauthStateSuite } from './oauth-states.js';
import { oneTimeTokenSuite } from './one-time-tokens.js';
import { rateLimitSuite } from './rate-limits.js';
import { refreshTokenSuite } from './refresh-tokens.js';
import { revocationSuite } from './revocations.js';
import { sessionSuite } from './sessions.js';

/**
 * Runs the store contract suite against a store implementation: atomic refresh rotation under
 * concurrency, reuse detection, expiry by the `now` argument, revocation kinds, API-key and session
 * storage, the keyring's compare-and-set, rate-limit counters, single-use OAuth states, mailed one-time
 * tokens (replaced per subject and purpose, spent once under 20 concurrent calls), sign-in identities
 * (unique on issuer and subject, linked once under 20 concurrent calls) and, when the stores have `mfa`,
 * second factors (saved by compare-and-set, one winner of 20 concurrent saves) and their challenges (spent
 * once under 20 concurrent calls). `setup` is called before each test and must return fresh, empty stores.
 *
 * @example runStoreSuite('memory', async () => ({ stores: createMemoryStores() }));
 */
export function runStoreSuite(name: string, setup: StoreSuiteSetup): void {
  describe(`store contract: ${name}`, () => {
    let fixture: StoreSuiteFixture | undefined;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture?.teardown?.();
      fixture = undefined;
    });
    const ctx = {
      stores(): AuthStores {
        if (fixture === undefined) throw new Error('store suite: setup did not run');
        return fixture.stores;
      },
    };
    refreshTokenSuite(ctx);
    revocationSuite(ctx);
    apiKeySuite(ctx);
    sessionSuite(ctx);
    keyringSuite(ctx);
    rateLimitSuite(ctx);
    oauthStateSuite(ctx);
    oneTimeTokenSuite(ctx);
    identitySuite(ctx);
    mfaSuite(ctx);
  });
}
