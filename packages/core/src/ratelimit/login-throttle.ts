import { optionError } from '../lib/option-error.js';
import { clientAddress } from './client-address.js';
import { emailForCounting } from './email-for-counting.js';
import { consumePoint, storeCall } from './limiter-call.js';
import { limiterKey } from './limiter-key.js';
import { assertLimiter, keyPrefix, positiveInteger, windowSeconds } from './options.js';
import { rateLimited } from './rate-limited.js';
import { memoryRateLimiterFactory, type RateLimiterFactory } from './rate-limiter-factory.js';

export interface LoginThrottleOptions {
  /**
   * Failed logins allowed per e-mail *from one client address* in each window (`LOGIN_MAX_FAILURES`); the
   * next attempt from that address for that e-mail is refused, even with the right password. Default 5.
   */
  maxFailures?: number;
  /**
   * Failed logins allowed per e-mail from all addresses together (`LOGIN_MAX_FAILURES_PER_ACCOUNT`); past it,
   * every client is refused for that e-mail — except a browser with the account's device cookie, so that
   * strangers cannot lock the owner out of their own browser. Default 50.
   */
  maxFailuresPerAccount?: number;
  /** Failed logins allowed per client address in each window, across all e-mails. Default 100. */
  maxFailuresPerIp?: number;
  /**
   * Failed logins allowed per device cookie in each window: a device cookie that keeps failing (a stolen
   * one, say) is refused like any stranger. Default: `maxFailures`.
   */
  maxFailuresPerDevice?: number;
  /**
   * Window length, in seconds or as `"15m"` (`LOGIN_WINDOW`). Default 15 minutes. A counter's window
   * starts with its first failure and is not extended by later ones.
   */
  window?: number | string;
  /** Prefix of the counters in a shared store: `<keyPrefix>:pair:…`, `:account:…`, `:ip:…`, `:device:…`. Default `"portcullis:login"`. */
  keyPrefix?: string;
  /** IPv6 clients are counted per network of this prefix length (IPv4 per address). Default 64. */
  ipv6Subnet?: number;
  /** The counter backend. Default: memory (`memoryRateLimiterFactory`). */
  limiterFactory?: RateLimiterFactory;
}

/** Who is trying to log in: the e-mail as typed, the client address, and the browser's device cookie. */
export interface LoginAttempt {
  readonly email: string;
  /** The client's address as core resolved it (`AuthRequest.ip`, after `trustProxy`), never a raw `X-Forwarded-For`. */
  readonly ip: string;
  /**
   * The device id of a genuine device cookie earned for this e-mail's account (`DeviceCookies.verify`), or
   * `undefined` for a browser without one.
   */
  readonly device?: string | undefined;
}

/** Brute-force protection for a password login that strangers cannot turn against the account's owner. */
export interface LoginThrottle {
  /**
   * Call before checking the password. Counts the attempt as a failure, atomically, and throws 429
   * `rate_limited` (with `retryAfter`) when one of its counters has used up its failures in the window —
   * whatever the password. A refused attempt is not counted against the counters that still had room.
   */
  attempt(attempt: LoginAttempt): Promise<void>;
  /**
   * Call when the password was right: clears the e-mail's failures from this address and takes this attempt
   * back from the other counters (failures of other e-mails or of strangers stay).
   */
  recordSuccess(attempt: LoginAttempt): Promise<void>;
  /**
   * Call when the attempt never reached a verdict on the password (the hashing queue was full, a store
   * failed): takes this attempt back from every counter, so that a busy server does not lock anyone out.
   */
  refund(attempt: LoginAttempt): Promise<void>;
}

/** What the client sees: the same whichever counter refused, and whether the e-mail exists or not. */
const DESCRIPTION = 'Too many failed login attempts; try again later';

type CounterName = 'pair' | 'account' | 'ip' | 'device';

/**
 * Creates a login throttle (OWASP's lockout guidance with device cookies). An attempt counts against:
 * - the e-mail *from this address* (`maxFailures`): a guesser is stopped after a few tries, from where they are;
 * - the address over all e-mails (`maxFailuresPerIp`): one address cannot spray many accounts;
 * - either the e-mail from *all* addresses (`maxFailuresPerAccount`), for a browser without the account's
 *   device cookie — a distributed guesser is stopped too — or, for a browser with one, that device cookie
 *   (`maxFailuresPerDevice`): the owner's browser is never locked out by failures elsewhere.
 * E-mails are normalised (NFKC, trimmed, lower-cased) and unknown ones count too, so the answer never tells
 * whether an account exists. Store failures throw 503 (fail closed).
 *
 * Counting happens in `attempt()`, before the password is checked, rather than after a failure: a burst of
 * parallel guesses would otherwise all pass the check before the first failure is recorded. A request that
 * dies between `attempt()` and `recordSuccess()` therefore counts as a failure; validate the request body
 * before calling `attempt()`.
 *
 * @example
 * const throttle = createLoginThrottle({ maxFailures: 5, maxFailuresPerAccount: 50, window: '15m' });
 * const attempt = { email, ip: request.ip, device: devices.verify(cookies.device, email) };
 * await throttle.attempt(attempt);                   // 429 here when blocked
 * const user = await verifyPassword(email, password); // 401 on failure: the attempt stays counted
 * await throttle.recordSuccess(attempt);
 */
export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  if (typeof options !== 'object' || options === null) {
    throw optionError(
      'createLoginThrottle(options)',
      'must be an object',
      'pass { maxFailures, window, … }, or nothing',
    );
  }
  const perPair = positiveInteger(options.maxFailures ?? 5, 'login.maxFailures');
  const perAccount = positiveInteger(options.maxFailuresPerAccount ?? 50, 'login.maxFailuresPerAccount');
  const perIp = positiveInteger(options.maxFailuresPerIp ?? 100, 'login.maxFailuresPerIp');
  const perDevice = positiveInteger(options.maxFailuresPerDevice ?? perPair, 'login.maxFailuresPerDevice');
  const duration = windowSeconds(options.window ?? '15m', 'login.window');
  const prefix = keyPrefix(options.keyPrefix ?? 'portcullis:login', 'login.keyPrefix');
  const ipv6Subnet = options.ipv6Subnet ?? 64;
  if (!Number.isInteger(ipv6Subnet) || ipv6Subnet < 1 || ipv6Subnet > 128) {
    throw optionError('login.ipv6Subnet', 'must be an integer from 1 to 128', 'omit it for 64');
  }
  const factory = options.limiterFactory ?? memoryRateLimiterFactory;
  if (typeof factory !== 'function')
    throw optionError(
      'login.limiterFactory',
      `must be a function, not ${typeof factory}`,
      'omit it for the memory limiter',
    );
  // Distinct prefixes plus hashed keys: no counter's key can ever hit another counter.
  const limiters = {
    pair: factory({ keyPrefix: `${prefix}:pair`, points: perPair, duration }),
    account: factory({ keyPrefix: `${prefix}:account`, points: perAccount, duration }),
    ip: factory({ keyPrefix: `${prefix}:ip`, points: perIp, duration }),
    device: factory({ keyPrefix: `${prefix}:device`, points: perDevice, duration }),
  };
  for (const limiter of Object.values(limiters))
    assertLimiter(limiter, ['consume', 'reward', 'delete'], 'login.limiterFactory');

  /** The counters one attempt is counted on, with their keys. */
  function countersOf(attempt: LoginAttempt): Array<[CounterName, string]> {
    const email = emailForCounting(attempt.email);
    const address = clientAddress(attempt.ip, ipv6Subnet);
    const device = attempt.device;
    return [
      ['pair', limiterKey(`${email}\n${address}`)],
      ['ip', limiterKey(address)],
      device === undefined ? ['account', limiterKey(email)] : ['device', limiterKey(device)],
    ];
  }

  return Object.freeze({
    async attempt(attempt: LoginAttempt): Promise<void> {
      const counters = countersOf(attempt);
      const outcomes = await Promise.all(
        counters.map(([name, key]) => consumePoint(() => limiters[name].consume(key, 1))),
      );
      if (outcomes.every((outcome) => outcome.allowed)) return;
      // Refused before the password is checked, so not a failure for the counters that still had room.
      await Promise.all(
        counters.map(([name, key], i) =>
          outcomes[i]!.allowed ? storeCall(() => limiters[name].reward(key, 1)) : undefined,
        ),
      );
      const refused = outcomes.flatMap((outcome, i) =>
        outcome.allowed ? [] : [{ outcome, name: counters[i]![0] }],
      );
      const msBeforeNext = Math.max(...refused.map(({ outcome }) => outcome.res.msBeforeNext));
      throw rateLimited(DESCRIPTION, msBeforeNext, `${refused[0]!.name}_blocked`);
    },
    async refund(attempt: LoginAttempt): Promise<void> {
      await Promise.all(
        countersOf(attempt).map(([name, key]) => storeCall(() => limiters[name].reward(key, 1))),
      );
    },
    async recordSuccess(attempt: LoginAttempt): Promise<void> {
      // If a window ended in between, a refund credits the next window with one attempt: harmless.
      await Promise.all(
        countersOf(attempt).map(([name, key]) =>
          name === 'pair'
            ? storeCall(() => limiters.pair.delete(key))
            : storeCall(() => limiters[name].reward(key, 1)),
        ),
      );
    },
  });
}
