import { type RateLimiterAbstract, RateLimiterMemory } from 'rate-limiter-flexible';

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
 * Contract, as portcullis uses the limiter: `consume` is atomic (a fixed window that starts with a key's
 * first point and is not extended by later ones) and rejects with a `RateLimiterRes` when the limit is
 * exceeded; any method rejects with an `Error` when the backend fails, which portcullis turns into 503
 * (fail closed). A backend's `insuranceLimiter` would fail open to memory: leave it unset unless that is wanted.
 *
 * @example const memory: RateLimiterFactory = (spec) => new RateLimiterMemory(spec);
 */
export type RateLimiterFactory = (spec: RateLimiterSpec) => RateLimiterAbstract;

/**
 * The default factory: counters in this process's memory. Every key carries its own unref'd timer that
 * deletes it when its window ends, so memory holds only keys touched in the last window — but it is not
 * shared between instances and is lost on restart: use a store package's factory when scaling out.
 *
 * @example createRateLimit({ points: 100, duration: 60, keyPrefix: 'api', limiterFactory: memoryRateLimiterFactory })
 */
export const memoryRateLimiterFactory: RateLimiterFactory = (spec) => new RateLimiterMemory({ ...spec });
