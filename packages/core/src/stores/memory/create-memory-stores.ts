import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createMemoryKeyringStore } from '../../keys/keyring-store.js';
import type { AuthStores } from '../auth-stores.js';
import { createMemoryApiKeyStore } from './memory-api-key-store.js';
import { createMemoryIdentityStore } from './memory-identity-store.js';
import { createMemoryMfaStore } from './memory-mfa-store.js';
import { createMemoryOAuthStateStore } from './memory-oauth-state-store.js';
import { createMemoryOneTimeTokenStore } from './memory-one-time-token-store.js';
import { createMemoryRefreshTokenStore } from './memory-refresh-token-store.js';
import { createMemoryRevocationStore } from './memory-revocation-store.js';
import { createMemorySessionStore } from './memory-session-store.js';

export interface MemoryStoresOptions {
  /** Upper bound of entries per store; a full store refuses new entries (503) instead of evicting live ones. Default 100 000. */
  maxEntries?: number;
  clock?: () => number;
}

/**
 * Every store in memory: for tests and a single process. State is lost on restart and not shared between
 * instances; use `@portcullis/postgres` or `@portcullis/redis` beyond that.
 *
 * @example const auth = await createAuth({ stores: createMemoryStores(), ... });
 */
export function createMemoryStores(options: MemoryStoresOptions = {}): AuthStores {
  const bounds = { ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }) };
  const withClock = { ...bounds, ...(options.clock === undefined ? {} : { clock: options.clock }) };
  return {
    keyring: createMemoryKeyringStore(),
    refreshTokens: createMemoryRefreshTokenStore(bounds),
    revocations: createMemoryRevocationStore(withClock),
    apiKeys: createMemoryApiKeyStore(bounds),
    sessions: createMemorySessionStore(withClock),
    rateLimiter: (spec) => new RateLimiterMemory(spec),
    oauthStates: createMemoryOAuthStateStore(withClock),
    oneTimeTokens: createMemoryOneTimeTokenStore(withClock),
    identities: createMemoryIdentityStore(bounds),
    mfa: createMemoryMfaStore(withClock),
  };
}
