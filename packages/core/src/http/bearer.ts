import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';
import { headerValues } from './headers.js';
import type { RequestHeaders } from './types.js';

// RFC 7235 §2.1: credentials = auth-scheme [ 1*SP token68 ]; token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const SCHEME_BEARER = 'bearer';

function malformed(message: string): AuthError {
  return new AuthError('invalid_request', message, { status: 401, challenge: 'Bearer' });
}

/**
 * Reads a bearer token from the `Authorization` header (RFC 6750 §2.1), or returns `null` when the request
 * has no `Authorization` header at all.
 *
 * The scheme is matched case-insensitively (RFC 7235 §2.1). A wrong scheme, extra parts, a value that is
 * not a token68, or several `Authorization` headers throw 401 `invalid_request` ("Malformed authorization
 * header"); `Bearer` with nothing after it throws "No token provided".
 *
 * @example extractBearerToken({ authorization: 'Bearer eyJ…' }) // 'eyJ…'
 */
export function extractBearerToken(headers: RequestHeaders): string | null {
  const values = headerValues(headers, 'authorization');
  if (values.length === 0) return null;
  if (values.length > 1) throw malformed(MESSAGES.malformedAuthorization);
  const value = values[0]!;
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== SCHEME_BEARER) {
    throw malformed(value.trim() === '' ? MESSAGES.noToken : MESSAGES.malformedAuthorization);
  }
  const rest = space === -1 ? '' : value.slice(space + 1);
  if (rest.trim() === '') throw malformed(MESSAGES.noToken);
  // Exactly one token68 after exactly one space, as the original middleware's split(' ').length === 2 demands.
  if (!TOKEN68.test(rest)) throw malformed(MESSAGES.malformedAuthorization);
  return rest;
}

/** The error for a protected route reached with no credentials at all: 401, a challenge naming no error. */
export function missingCredentials(): AuthError {
  return new AuthError('invalid_request', MESSAGES.noToken, {
    status: 401,
    challenge: 'Bearer',
    challengeError: false,
  });
}
