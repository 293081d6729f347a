import { AuthError } from '../errors/auth-error.js';

/** Whole seconds until a window ends, for `Retry-After`: rounded up, at least 1. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/** The 429 `rate_limited` refusal, with `Retry-After` set from the time left in the window. */
export function rateLimited(description: string, msBeforeNext: number, reason: string): AuthError {
  return new AuthError('rate_limited', description, { retryAfter: retryAfterSeconds(msBeforeNext), reason });
}
