import type { KeyringStore } from '../keys/keyring-store.js';
import type { RateLimiterFactory } from '../ratelimit/rate-limiter-factory.js';
import type { ApiKeyStore } from './api-key-store.js';
import type { IdentityStore } from './identity-store.js';
import type { MfaStore } from './mfa-store.js';
import type { OAuthStateStore } from './oauth-state-store.js';
import type { OneTimeTokenStore } from './one-time-token-store.js';
import type { RefreshTokenStore } from './refresh-token-store.js';
import type { RevocationStore } from './revocation-store.js';
import type { SessionStore } from './session-store.js';

/**
 * Every piece of state portcullis owns. Users are the application's own; everything else lives here.
 * A store package (`@portcullis/postgres`, `@portcullis/redis`) returns one of these, or a part of it to
 * combine with another (e.g. API keys in PostgreSQL, revocations and rate counters in Redis).
 */
export interface AuthStores {
  keyring: KeyringStore;
  refreshTokens: RefreshTokenStore;
  revocations: RevocationStore;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  /** Builds the rate limiters (login throttling, per-key limits) on this store's backend. */
  rateLimiter: RateLimiterFactory;
  /**
   * Spent OAuth `state` values (sign-in through an OpenID provider). Optional: without it, a spent state is
   * remembered in `revocations` instead, which is single-use too but not atomic under a race of two
   * callbacks carrying the same state cookie.
   */
  oauthStates?: OAuthStateStore;
  /** Tokens mailed for e-mail verification and password reset, spent once. */
  oneTimeTokens: OneTimeTokenStore;
  /** Sign-in identities at OAuth / OpenID providers, by `(issuer, subject)`, linked to users. */
  identities: IdentityStore;
  /**
   * Second factors (TOTP, recovery codes, passkeys) and their ceremonies' single-use values. Optional for
   * stores written before it: without it, no second factor can be enrolled and the MFA routes are not served.
   */
  mfa?: MfaStore;
}
