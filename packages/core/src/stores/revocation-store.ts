import type { MaybePromise } from '../lib/maybe-promise.js';

/** What a revocation check looks at: the token and what it belongs to. */
export interface RevocationCheck {
  /** The access token's `jti`. */
  tokenId: string | undefined;
  /** The refresh family (`sid`) the token was issued from. */
  sessionId: string | undefined;
  subject: string;
  /** The token's `iat`, in ms. */
  issuedAt: number;
}

/**
 * Denied access tokens, kept only until they would have expired anyway.
 *
 * Contract: an entry is honoured until its `expiresAt` (ms) and may be dropped after it. `isRevoked` answers
 * all three kinds of revocation in one call (one round trip for networked stores). A store that cannot
 * answer must throw, never resolve `false`: a revocation check fails closed.
 */
export interface RevocationStore {
  /** Denies one access token by its `jti`. */
  revokeToken(tokenId: string, expiresAt: number): Promise<void>;
  /** Denies every access token carrying `sid === sessionId` (one login). */
  revokeSession(sessionId: string, expiresAt: number): Promise<void>;
  /** Denies every token of `subject` issued strictly before `before` (ms). Kept until `expiresAt`. */
  revokeSubject(subject: string, before: number, expiresAt: number): Promise<void>;
  /**
   * Runs on every authenticated request. A store that can answer without I/O (memory) should return the
   * boolean itself rather than a promise: it saves the request's hot path its microtask hops.
   */
  isRevoked(check: RevocationCheck, now: number): MaybePromise<boolean>;
}
