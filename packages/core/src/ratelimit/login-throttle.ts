import { clientAddress } from './client-address.js';
import { consumePoint, storeCall } from './limiter-call.js';
import { limiterKey } from './limiter-key.js';
import { normalizeEmail } from './normalize-email.js';
import { assertLimiter, keyPrefix, positiveInteger, windowSeconds } from './options.js';
import { rateLimited } from './rate-limited.js';
import { memoryRateLimiterFactory, type RateLimiterFactory } from './rate-limiter-factory.js';

export interface LoginThrottleOptions {
  /** Failed logins allowed per e-mail in each window (`LOGIN_MAX_FAILURES`). Default 5. */
  maxFailuresPerEmail?: number;
  /** Failed logins allowed per client address in each window, across all e-mails. Default 100. */
  maxFailuresPerIp?: number;
  /**
   * Window length, in seconds or as `"15m"` (`LOGIN_WINDOW`). Default 15 minutes. A counter's window
   * starts with its first failure and is not extended by later ones.
   */
  window?: number | string;
  /** Prefix of the counters in a shared store: `<keyPrefix>:email:…` and `<keyPrefix>:ip:…`. Default `"portcullis:login"`. */
  keyPrefix?: string;
  /** IPv6 clients are counted per network of this prefix length (IPv4 per address). Default 64. */
  ipv6Subnet?: number;
  /** The counter backend. Default: memory (`memoryRateLimiterFactory`). */
  limiterFactory?: RateLimiterFactory;
}

/** Who is trying to log in: the e-mail as typed, and the client address the server resolved. */
export interface LoginAttempt {
  readonly email: string;
  /** The client's address after trusted-proxy resolution (`req.ip`), never a raw `X-Forwarded-For`. */
  readonly ip: string;
}

/** Brute-force protection for a password login, per e-mail and per client address. */
export interface LoginThrottle {
  /**
   * Call before checking the password. Counts the attempt as a failure, atomically, and throws 429
   * `rate_limited` (with `retryAfter`) when the e-mail or the address already used up its failures in the
   * window — whatever the password. A refused attempt is not counted against the other limit.
   */
  attempt(attempt: LoginAttempt): Promise<void>;
  /**
   * Call when the password was right: clears the e-mail's failures and takes this attempt back from the
   * address's count (other e-mails' failures from that address stay).
   */
  recordSuccess(attempt: LoginAttempt): Promise<void>;
}

/** What the client sees: the same whether the e-mail or the address is blocked, and whether the e-mail exists. */
const DESCRIPTION = 'Too many failed login attempts; try again later';

/**
 * Creates a login throttle. The first `maxFailuresPerEmail` failures in a window are answered as usual
 * (401); from then on every attempt for that e-mail gets 429 with `Retry-After` until the window ends,
 * even with the right password. E-mails are normalised (trimmed, lower-cased) and unknown ones count too,
 * so the answer never tells whether an account exists. Store failures throw 503 (fail closed).
 *
 * Counting happens in `attempt()`, before the password is checked, rather than after a failure: a burst of
 * parallel guesses would otherwise all pass the check before the first failure is recorded. A request that
 * dies between `attempt()` and `recordSuccess()` therefore counts as a failure; validate the request body
 * before calling `attempt()`.
 *
 * @example
 * const throttle = createLoginThrottle({ maxFailuresPerEmail: 5, window: '15m' });
 * await throttle.attempt({ email, ip: req.ip });          // 429 here when blocked
 * const user = await verifyPassword(email, password);     // 401 on failure: the attempt stays counted
 * await throttle.recordSuccess({ email, ip: req.ip });
 */
export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createLoginThrottle: options must be an object');
  }
  const perEmail = positiveInteger(options.maxFailuresPerEmail ?? 5, 'maxFailuresPerEmail');
  const perIp = positiveInteger(options.maxFailuresPerIp ?? 100, 'maxFailuresPerIp');
  const duration = windowSeconds(options.window ?? '15m', 'window');
  const prefix = keyPrefix(options.keyPrefix ?? 'portcullis:login', 'keyPrefix');
  const ipv6Subnet = options.ipv6Subnet ?? 64;
  if (!Number.isInteger(ipv6Subnet) || ipv6Subnet < 1 || ipv6Subnet > 128) {
    throw new TypeError('ipv6Subnet must be an integer from 1 to 128');
  }
  const factory = options.limiterFactory ?? memoryRateLimiterFactory;
  if (typeof factory !== 'function') throw new TypeError('limiterFactory must be a function');
  // Distinct prefixes ("…:email" vs "…:ip") plus hashed keys: an e-mail can never hit an address's counter.
  const byEmail = factory({ keyPrefix: `${prefix}:email`, points: perEmail, duration });
  const byIp = factory({ keyPrefix: `${prefix}:ip`, points: perIp, duration });
  for (const limiter of [byEmail, byIp]) assertLimiter(limiter, ['consume', 'reward', 'delete']);

  const keysOf = (attempt: LoginAttempt) => ({
    email: limiterKey(normalizeEmail(attempt.email)),
    ip: limiterKey(clientAddress(attempt.ip, ipv6Subnet)),
  });

  return Object.freeze({
    async attempt(attempt: LoginAttempt): Promise<void> {
      const keys = keysOf(attempt);
      const [email, ip] = await Promise.all([
        consumePoint(() => byEmail.consume(keys.email, 1)),
        consumePoint(() => byIp.consume(keys.ip, 1)),
      ]);
      if (email.allowed && ip.allowed) return;
      // Refused before the password is checked, so not a failure for the limit that still had room.
      await Promise.all([
        email.allowed ? storeCall(() => byEmail.reward(keys.email, 1)) : undefined,
        ip.allowed ? storeCall(() => byIp.reward(keys.ip, 1)) : undefined,
      ]);
      const msBeforeNext = Math.max(
        email.allowed ? 0 : email.res.msBeforeNext,
        ip.allowed ? 0 : ip.res.msBeforeNext,
      );
      throw rateLimited(DESCRIPTION, msBeforeNext, email.allowed ? 'ip_blocked' : 'email_blocked');
    },
    async recordSuccess(attempt: LoginAttempt): Promise<void> {
      const keys = keysOf(attempt);
      // If the address's window ended in between, the refund credits the next window with one attempt: harmless.
      await Promise.all([
        storeCall(() => byEmail.delete(keys.email)),
        storeCall(() => byIp.reward(keys.ip, 1)),
      ]);
    },
  });
}
