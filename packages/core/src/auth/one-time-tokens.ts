import { AuthError } from '../errors/auth-error.js';
import type { Clock } from '../lib/clock.js';
import { sha256 } from '../lib/hash.js';
import { randomToken } from '../lib/random.js';
import type {
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  OneTimeTokenStore,
} from '../stores/one-time-token-store.js';
import type { AuthUser } from './user-directory.js';

/** A token just issued: `token` goes into one mail's link and nowhere else. */
export interface IssuedOneTimeToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** The tokens mailed for e-mail verification and password reset: 256 random bits, stored only as hashes. */
export interface OneTimeTokens {
  /** Issues a token for `user`; an earlier token of the same purpose stops working. */
  issue(user: Pick<AuthUser, 'id' | 'email'>, purpose: OneTimeTokenPurpose): Promise<IssuedOneTimeToken>;
  /** Spends a token: its record when it is live and of this purpose, otherwise `null` (nothing spent). */
  consume(token: unknown, purpose: OneTimeTokenPurpose): Promise<OneTimeTokenRecord | null>;
  /** Puts back a token spent by a request that then failed for a reason of the caller's (a weak password). */
  restore(record: OneTimeTokenRecord): Promise<void>;
  /** Ends every outstanding token of a user. */
  revokeSubject(subject: string): Promise<void>;
}

/** The one refusal of a verification or reset link, whatever was wrong with it (spent, expired, unknown…). */
export function invalidLink(reason: string): AuthError {
  return new AuthError('invalid_grant', 'Invalid or expired link', { status: 400, reason });
}

// 32 random bytes, base64url: 43 characters. Anything else is refused without a store lookup.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createOneTimeTokens(options: {
  store: OneTimeTokenStore;
  /** Lifetime by purpose, in seconds. */
  ttl: Readonly<Record<OneTimeTokenPurpose, number>>;
  clock: Clock;
}): OneTimeTokens {
  const { store, ttl, clock } = options;
  return {
    async issue(user, purpose) {
      const token = randomToken(32);
      const now = clock();
      const expiresAt = now + ttl[purpose] * 1000;
      await store.issue({
        hash: sha256(token),
        purpose,
        subject: user.id,
        email: user.email,
        createdAt: now,
        expiresAt,
      });
      return { token, expiresAt: new Date(expiresAt) };
    },
    async consume(token, purpose) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
      return store.consume(sha256(token), purpose, clock());
    },
    restore: (record) => store.issue(record),
    revokeSubject: (subject) => store.revokeSubject(subject),
  };
}
