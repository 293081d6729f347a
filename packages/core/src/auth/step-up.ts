import { isAuthError } from '../errors/auth-error.js';
import type { Principal } from '../tokens/principal.js';
import type { AuthParts } from './auth-parts.js';

/**
 * Refuses a sensitive action (a password change, an API key's deletion, a key rotation…) unless the user
 * authenticated within `stepUp.maxAge`: 401 `insufficient_user_authentication` with `max_age` (RFC 9470),
 * and a `stepup.required` event. Does nothing when step-up is off.
 */
export function enforceRecentAuthentication(parts: AuthParts, principal: Principal, action: string): void {
  if (parts.sensitiveActions === undefined) return;
  try {
    parts.policy.enforce(principal, parts.sensitiveActions);
  } catch (error) {
    if (isAuthError(error) && error.code === 'insufficient_user_authentication')
      parts.emit({
        type: 'stepup.required',
        subject: principal.subject,
        action,
        reason: error.reason ?? 'stale',
      });
    throw error;
  }
}
