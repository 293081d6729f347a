import type { Clock } from '../lib/clock.js';
import { sha256 } from '../lib/hash.js';
import { randomToken } from '../lib/random.js';
import type { MfaStore } from '../stores/mfa-store.js';
import type { AuthenticationMethodReference } from './authentication-method.js';

/** A login whose first step passed, waiting for its second (`POST /auth/mfa/verify`). */
export interface PendingLogin {
  readonly userId: string;
  /** The e-mail the first step was for: the second step is throttled, and earns the device cookie, for it. */
  readonly email: string;
  /** What the finished login issues: tokens (`/auth/login`, OAuth) or a cookie session (`/auth/session`). */
  readonly issue: 'tokens' | 'session';
  /** How the first step authenticated. */
  readonly amr: readonly AuthenticationMethodReference[];
  /** ms since the epoch. */
  readonly expiresAt: number;
}

/** The `mfa_token`s of pending logins: 256 random bits, stored only as hashes, spent once. */
export interface PendingLogins {
  start(login: Omit<PendingLogin, 'expiresAt'>): Promise<{ token: string; expiresIn: number }>;
  /** The pending login of a token, without spending it (a wrong code leaves it usable until it expires). */
  peek(token: unknown): Promise<PendingLogin | undefined>;
  /** Spends the token: of concurrent calls exactly one gets the login. */
  take(token: unknown): Promise<PendingLogin | undefined>;
  /** The store key of a token, to bind a WebAuthn challenge to it. */
  keyOf(token: string): string;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createPendingLogins(store: MfaStore, ttlSeconds: number, clock: Clock): PendingLogins {
  const keyOf = (token: string) => `login:${sha256(token)}`;
  const read = (value: string | null) => (value === null ? undefined : (JSON.parse(value) as PendingLogin));
  return {
    async start(login) {
      const token = randomToken(32);
      const pending: PendingLogin = { ...login, expiresAt: clock() + ttlSeconds * 1000 };
      await store.putChallenge(keyOf(token), JSON.stringify(pending), pending.expiresAt);
      return { token, expiresIn: ttlSeconds };
    },
    async peek(token) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return undefined;
      return read(await store.peekChallenge(keyOf(token), clock()));
    },
    async take(token) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return undefined;
      return read(await store.takeChallenge(keyOf(token), clock()));
    },
    keyOf,
  };
}
