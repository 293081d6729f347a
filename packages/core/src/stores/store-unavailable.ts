import { AuthError } from '../errors/auth-error.js';

/**
 * The error for a store that cannot be reached: 503 `temporarily_unavailable` with `Retry-After`.
 * Authentication that needs the store fails closed with it — never a 200, never a 500.
 */
export function storeUnavailable(cause?: unknown): AuthError {
  return new AuthError('temporarily_unavailable', 'Authentication service temporarily unavailable', {
    retryAfter: 1,
    reason: 'store_unavailable',
    cause,
  });
}
