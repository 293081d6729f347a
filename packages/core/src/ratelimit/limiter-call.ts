import type { RateLimiterRes } from 'rate-limiter-flexible';
import { storeUnavailable } from '../stores/store-unavailable.js';

/**
 * Whether a rejection is rate-limiter-flexible's "limit exceeded" answer rather than a failure. Checked by
 * shape, not `instanceof`, so a store package bundling its own copy of the library is still understood.
 */
export function isRateLimiterRes(value: unknown): value is RateLimiterRes {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as RateLimiterRes).msBeforeNext === 'number' &&
    typeof (value as RateLimiterRes).consumedPoints === 'number'
  );
}

export type Consumed = { allowed: true; res: RateLimiterRes } | { allowed: false; res: RateLimiterRes };

/**
 * Runs `consume`: resolves whether the point fitted in the window. Any other rejection (an `Error`, or
 * anything unexpected) means the store failed and throws `storeUnavailable` — never let through.
 */
export async function consumePoint(consume: () => Promise<RateLimiterRes>): Promise<Consumed> {
  try {
    return { allowed: true, res: await consume() };
  } catch (rejection) {
    if (isRateLimiterRes(rejection)) return { allowed: false, res: rejection };
    throw storeUnavailable(rejection);
  }
}

/** Runs any other limiter call (`get`, `delete`, `reward`…), turning a rejection into `storeUnavailable`. */
export async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (rejection) {
    throw storeUnavailable(rejection);
  }
}
