import type { AuthStores } from '@portcullis/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { apiKeySuite } from './api-keys.js';
import type { StoreSuiteFixture, StoreSuiteSetup } from './context.js';
import { keyringSuite } from './keyring.js';
import { oauthStateSuite } from './oauth-states.js';
import { rateLimitSuite } from './rate-limits.js';
import { refreshTokenSuite } from './refresh-tokens.js';
import { revocationSuite } from './revocations.js';
import { sessionSuite } from './sessions.js';

/**
 * Runs the store contract suite against a store implementation: atomic refresh rotation under
 * concurrency, reuse detection, expiry by the `now` argument, revocation kinds, API-key and session
 * storage, the keyring's compare-and-set, rate-limit counters, single-use OAuth states. `setup` is called
 * before each test and must return fresh, empty stores.
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
  });
}
