import { AuthError } from '../errors/auth-error.js';

/**
 * Why `verify` refused a key, in `AuthError.reason`: for logs and tests only. The client always sees the
 * same `invalid_token` / "Invalid API key", so nobody can learn whether a key id exists or was revoked.
 */
export type ApiKeyRefusalReason =
  | 'missing'
  | 'oversize'
  | 'malformed'
  | 'bad_checksum'
  | 'wrong_prefix'
  | 'unknown'
  | 'hash_mismatch'
  | 'revoked'
  | 'expired';

/** The client-facing description of every refused API key. */
export const INVALID_API_KEY = 'Invalid API key';

export function invalidApiKey(reason: ApiKeyRefusalReason): AuthError {
  // RFC 6750 §3.1 by analogy: no `error` in the challenge when no credential was presented at all.
  return new AuthError('invalid_token', INVALID_API_KEY, {
    challenge: 'ApiKey',
    reason,
    challengeError: reason !== 'missing',
  });
}

/** 404 for a key that does not exist *or belongs to someone else*: the two must look the same. */
export function apiKeyNotFound(): AuthError {
  return new AuthError('not_found', 'API key not found', { reason: 'not_found' });
}

export function invalidApiKeyRequest(description: string): AuthError {
  return new AuthError('invalid_request', description);
}
