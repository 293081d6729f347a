import { type AuthError, isAuthError } from '../errors/auth-error.js';
import type { AuthResponse } from './types.js';
import { challengeFor } from './www-authenticate.js';

export interface ErrorResponseOptions {
  /** The `realm` of `WWW-Authenticate` challenges. Default `"portcullis"`. */
  realm?: string;
}

/** The error's own body members (e.g. `mfa_token`), never over `error` and `error_description`. */
function extraMembers(error: AuthError): Record<string, unknown> {
  if (error.body === undefined) return {};
  const { error: _code, error_description: _description, ...rest } = error.body;
  return rest;
}

/**
 * Turns an `AuthError` into the contract's response: its status, `{"error","error_description"}` JSON,
 * `WWW-Authenticate` when the error challenges, `Retry-After` when it has one, and `Cache-Control: no-store`.
 * Anything that is not an `AuthError` is a bug, answered 500 with a generic body that reveals nothing.
 *
 * @example errorResponse(new AuthError('not_found', 'Not found'))
 */
export function errorResponse(error: unknown, options: ErrorResponseOptions = {}): AuthResponse {
  const authError = isAuthError(error) ? error : undefined;
  if (authError === undefined) {
    return {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      cookies: [],
      body: { error: 'server_error', error_description: 'Internal server error' },
    };
  }
  const headers: Record<string, string> = {
    ...authError.headers,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  const challenge = challengeFor(authError as AuthError, options.realm ?? 'portcullis');
  if (challenge !== undefined) headers['www-authenticate'] = challenge;
  if (authError.retryAfter !== undefined)
    headers['retry-after'] = String(Math.max(1, Math.ceil(authError.retryAfter)));
  return {
    status: authError.status,
    headers,
    cookies: [],
    body: { error: authError.code, error_description: authError.message, ...extraMembers(authError) },
  };
}
