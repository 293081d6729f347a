import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** What a rate limiter is asked to count: `points` events per `duration` seconds under `keyPrefix`. */
export interface RateLimiterSpec {
  keyPrefix: string;
  points: number;
  /** Window length in seconds. */
  duration: number;
}

/**
 * Builds a `rate-limiter-flexible` limiter on some backend: memory here, Redis or PostgreSQL from the
 * store packages. This is how the rate-counter store is plugged in; core never names a driver.
 *
 * @example const memory: RateLimiterFactory = (spec) => new RateLimiterMemory(spec);
 */
export type RateLimiterFactory = (spec: RateLimiterSpec) => RateLimiterAbstract;
