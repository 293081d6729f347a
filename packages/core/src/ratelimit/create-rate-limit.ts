import { optionError } from '../lib/option-error.js';
import { consumePoint, storeCall } from './limiter-call.js';
import { limiterKey } from './limiter-key.js';
import { assertLimiter, keyPrefix, positiveInteger, windowSeconds } from './options.js';
import { rateLimited } from './rate-limited.js';
import { memoryRateLimiterFactory, type RateLimiterFactory } from './rate-limiter-factory.js';

export interface RateLimitOptions {
  /** Requests allowed per key in each window. */
  points: number;
  /** Window length, in seconds or as `"1m"`. The window starts with a key's first request (fixed window). */
  duration: number | string;
  /** Namespace of this limiter's counters in a shared store; two limiters with one prefix share counters. */
  keyPrefix: string;
  /** The counter backend. Default: memory (`memoryRateLimiterFactory`). */
  limiterFactory?: RateLimiterFactory;
}

/** Where a key stands after a request that was let through, e.g. for `RateLimit-*` response headers. */
export interface RateLimitResult {
  /** `points`: requests allowed per window. */
  readonly limit: number;
  /** Requests still allowed in the current window. */
  readonly remaining: number;
  /** Whole seconds until the window ends and the count starts again. */
  readonly resetAfter: number;
}

/** Counts requests per key and refuses those over the limit. */
export interface RateLimit {
  /** Counts one request: throws 429 `rate_limited` (with `retryAfter`) over the limit, 503 when the store fails. */
  consume(key: string): Promise<RateLimitResult>;
  /** Forgets a key's count (e.g. after an administrator lifts a limit). */
  reset(key: string): Promise<void>;
}

/**
 * Creates a per-key limiter: `points` requests per `duration` for each key (an API key id, a user id…).
 * Requests refused for being over the limit still count in the window but never extend it.
 * Keys are hashed before they reach the store (see `limiterKey`): any string is a safe key.
 *
 * @example
 * const perApiKey = createRateLimit({ points: 1000, duration: '1m', keyPrefix: 'portcullis:apikey' });
 * const { remaining } = await perApiKey.consume(apiKey.id); // throws AuthError 'rate_limited' when exceeded
 */
export function createRateLimit(options: RateLimitOptions): RateLimit {
  if (typeof options !== 'object' || options === null)
    throw optionError(
      'createRateLimit(options)',
      'must be an object',
      'pass { keyPrefix, points, duration }',
    );
  const points = positiveInteger(options.points, 'createRateLimit.points');
  const duration = windowSeconds(options.duration, 'createRateLimit.duration');
  const prefix = keyPrefix(options.keyPrefix, 'createRateLimit.keyPrefix');
  const factory = options.limiterFactory ?? memoryRateLimiterFactory;
  if (typeof factory !== 'function')
    throw optionError(
      'createRateLimit.limiterFactory',
      `must be a function, not ${typeof factory}`,
      'omit it for the memory limiter',
    );
  const limiter = factory({ keyPrefix: prefix, points, duration });
  assertLimiter(limiter, ['consume', 'delete'], 'createRateLimit.limiterFactory');

  return Object.freeze({
    async consume(key: string): Promise<RateLimitResult> {
      const outcome = await consumePoint(() => limiter.consume(limiterKey(key), 1));
      if (!outcome.allowed)
        throw rateLimited('Too many requests', outcome.res.msBeforeNext, 'too_many_requests');
      return Object.freeze({
        limit: points,
        remaining: Math.max(0, points - outcome.res.consumedPoints),
        resetAfter: Math.max(0, Math.ceil(outcome.res.msBeforeNext / 1000)),
      });
    },
    async reset(key: string): Promise<void> {
      await storeCall(() => limiter.delete(limiterKey(key)));
    },
  });
}
