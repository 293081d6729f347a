import { type Clock, systemClock } from '../lib/clock.js';
import type { MaybePromise } from '../lib/maybe-promise.js';
import { optionError } from '../lib/option-error.js';
import type { RevocationStore } from '../stores/revocation-store.js';
import type { AccessTokenPrincipal } from '../tokens/principal.js';

export interface RevocationServiceOptions {
  store: RevocationStore;
  /** The longest access-token lifetime in seconds: how long a session or subject revocation must be kept. */
  accessTokenTtl: number;
  clock?: Clock;
}

/** Denies access tokens before they expire: one token, one login (refresh family), or everything of a user. */
export interface RevocationService {
  /** Denies this token (by `jti`) until it expires. */
  revokeToken(principal: AccessTokenPrincipal): Promise<void>;
  /** Denies every access token issued from refresh family `sessionId`. */
  revokeSession(sessionId: string): Promise<void>;
  /**
   * Denies every access token of `subject` issued before now. Tokens issued in the current second are
   * compared by their session instead: pair this with revoking the subject's families (which
   * `createAuth`'s "log out everywhere" does), as `iat` has only one-second precision.
   */
  revokeSubject(subject: string): Promise<void>;
  /** For the verifier's `isRevoked` hook: one store call per verification, at `now` (default: the clock). */
  isRevoked(principal: AccessTokenPrincipal, now?: number): MaybePromise<boolean>;
}

/**
 * Creates the revocation service over a `RevocationStore`. Entries are kept only as long as the tokens
 * they deny could still be valid.
 *
 * @example
 * const revocations = createRevocationService({ store: stores.revocations, accessTokenTtl: 900 });
 * const verifier = createAccessTokenVerifier({ ..., isRevoked: revocations.isRevoked });
 */
export function createRevocationService(options: RevocationServiceOptions): RevocationService {
  const { store } = options;
  const ttlMs = options.accessTokenTtl * 1000;
  if (!(ttlMs > 0))
    throw optionError(
      'createRevocationService.accessTokenTtl',
      'must be a positive number of seconds',
      "pass the access tokens' lifetime",
    );
  const clock = options.clock ?? systemClock;
  // Kept a little longer than the lifetime so that clock tolerance never outlasts a revocation.
  const keepFor = ttlMs + 60_000;

  return {
    async revokeToken(principal) {
      if (principal.tokenId === undefined) return;
      await store.revokeToken(principal.tokenId, principal.expiresAt.getTime() + 60_000);
    },
    revokeSession: (sessionId) => store.revokeSession(sessionId, clock() + keepFor),
    async revokeSubject(subject) {
      const now = clock();
      // Whole seconds: `iat` is in seconds, so a token issued earlier in this second is not caught here.
      await store.revokeSubject(subject, Math.floor(now / 1000) * 1000, now + keepFor);
    },
    isRevoked: (principal, now = clock()) => {
      const iat = principal.claims['iat'];
      return store.isRevoked(
        {
          tokenId: principal.tokenId,
          sessionId: principal.sessionId,
          subject: principal.subject,
          issuedAt: typeof iat === 'number' ? iat * 1000 : 0,
        },
        now,
      );
    },
  };
}
