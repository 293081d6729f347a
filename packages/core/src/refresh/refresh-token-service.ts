import { AuthError } from '../errors/auth-error.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { sha256 } from '../lib/hash.js';
import { optionError } from '../lib/option-error.js';
import { randomToken } from '../lib/random.js';
import type { RefreshFamily, RefreshTokenStore } from '../stores/refresh-token-store.js';

export interface RefreshTokenServiceOptions {
  store: RefreshTokenStore;
  /** Lifetime of one refresh token, in seconds or as `"7d"`. Default 7 days. */
  ttl?: number | string;
  /** Absolute lifetime of a family: no rotation extends it. Default 7 days. */
  familyLifetime?: number | string;
  clock?: Clock;
}

export interface IssuedRefreshToken {
  token: string;
  family: RefreshFamily;
  /** When this token stops working (ms). */
  expiresAt: number;
  /** Seconds until then, measured at issue (a cookie's `Max-Age`). */
  expiresIn: number;
}

/** Refresh tokens: opaque, rotated at every use, grouped in families whose reuse revokes them. */
export interface RefreshTokenService {
  /** Lifetime of one token, in seconds (for the cookie's Max-Age). */
  readonly ttl: number;
  /** Starts a new family (a login) and returns its first token. */
  issue(subject: string, data?: Record<string, unknown>): Promise<IssuedRefreshToken>;
  /**
   * Spends `token` and returns its successor. Throws 401 `invalid_grant` for an unknown, expired, revoked
   * or already-spent token; a spent token also revokes its whole family (`reason: "reused"`, with the
   * family id in `familyIdOf(error)`), so the thief's and the victim's newest tokens both stop working.
   */
  rotate(token: string): Promise<IssuedRefreshToken>;
  /** The family of a token without spending it; `null` when unknown. */
  familyOf(token: string): Promise<RefreshFamily | null>;
  /**
   * The token's family and expiry when the token would rotate now — not spent, not expired, its family
   * neither revoked nor expired — without spending it; `null` otherwise, and when the store cannot tell
   * (no `findToken`). For introspection (RFC 7662).
   */
  inspect(token: string): Promise<{ family: RefreshFamily; expiresAt: number } | null>;
  revokeFamily(familyId: string): Promise<boolean>;
  /** Revokes every family of a subject ("log out everywhere"); resolves their ids. */
  revokeSubject(subject: string): Promise<string[]>;
}

// 32 random bytes = 256 bits, base64url: 43 characters.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const familyOfError = new WeakMap<AuthError, RefreshFamily>();

/** The family a `reused` refusal revoked, so that callers can revoke its access tokens too. */
export function revokedFamilyOf(error: AuthError): RefreshFamily | undefined {
  return familyOfError.get(error);
}

function invalidGrant(reason: string): AuthError {
  return new AuthError('invalid_grant', 'Invalid refresh token', { reason });
}

/**
 * Creates the refresh-token service (RFC 9700 §4.14.2 rotation with reuse detection). Tokens carry 256
 * random bits and are stored only as SHA-256 hashes; a malformed token is refused without a store lookup.
 *
 * @example
 * const refresh = createRefreshTokenService({ store: stores.refreshTokens });
 * const { token, family } = await refresh.issue(user.id);
 * const next = await refresh.rotate(token);
 */
export function createRefreshTokenService(options: RefreshTokenServiceOptions): RefreshTokenService {
  const { store } = options;
  if (store === undefined)
    throw optionError(
      'createRefreshTokenService.store',
      'is missing',
      'pass a RefreshTokenStore, such as stores.refreshTokens',
    );
  const ttlMs = parseDuration(options.ttl ?? '7d', 'tokens.refreshTtl') * 1000;
  const familyLifetimeMs =
    parseDuration(options.familyLifetime ?? '7d', 'tokens.refreshFamilyLifetime') * 1000;
  if (ttlMs <= 0) throw optionError('tokens.refreshTtl', 'must be more than 0', 'omit it for 7 days');
  if (familyLifetimeMs <= 0)
    throw optionError('tokens.refreshFamilyLifetime', 'must be more than 0', 'omit it for tokens.refreshTtl');
  const clock = options.clock ?? systemClock;

  return {
    ttl: ttlMs / 1000,
    async issue(subject, data = {}) {
      const now = clock();
      const family: RefreshFamily = {
        id: randomToken(16),
        subject,
        createdAt: now,
        expiresAt: now + familyLifetimeMs,
        revokedAt: null,
        data,
      };
      const token = randomToken(32);
      const expiresAt = Math.min(now + ttlMs, family.expiresAt);
      await store.createFamily(family, sha256(token), expiresAt);
      return { token, family, expiresAt, expiresIn: Math.floor((expiresAt - now) / 1000) };
    },
    async rotate(token) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw invalidGrant('malformed');
      const now = clock();
      const next = randomToken(32);
      const result = await store.rotate(sha256(token), sha256(next), now + ttlMs, now);
      if (result.outcome === 'rotated') {
        // A token never outlives its family: the store refuses it after family.expiresAt whatever its own expiry.
        const expiresAt = Math.min(now + ttlMs, result.family.expiresAt);
        return {
          token: next,
          family: result.family,
          expiresAt,
          expiresIn: Math.floor((expiresAt - now) / 1000),
        };
      }
      if (result.outcome === 'reused') {
        const error = invalidGrant('reused');
        familyOfError.set(error, result.family);
        throw error;
      }
      throw invalidGrant('invalid');
    },
    async familyOf(token) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
      return store.findFamilyByToken(sha256(token));
    },
    async inspect(token) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token) || store.findToken === undefined) return null;
      const state = await store.findToken(sha256(token));
      const now = clock();
      if (state === null || state.spentAt !== null || state.family.revokedAt !== null) return null;
      // The same test as the store's rotate: a token never outlives its family.
      const expiresAt = Math.min(state.expiresAt, state.family.expiresAt);
      return expiresAt > now ? { family: state.family, expiresAt } : null;
    },
    revokeFamily: (familyId) => store.revokeFamily(familyId, clock()),
    revokeSubject: (subject) => store.revokeSubject(subject, clock()),
  };
}
