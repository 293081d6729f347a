import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';
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
  const credential = bearerCredential(headers);
  return credential === null ? null : assertToken68(credential);
}

/**
 * What follows `Bearer ` in the one `Authorization` header, not yet checked to be a token68 (`null`: no
 * header). For a hot path that can tell a known token by equality before paying for the syntax check:
 * anything it does not recognise must go through `assertToken68`. Throws as `extractBearerToken` does
 * for a missing, wrong or repeated scheme.
 */
export function bearerCredential(headers: RequestHeaders): string | null {
  // Runs on every protected request: no array, no lower-cased copy of the scheme on the way to the token.
  const header = headers['authorization'];
  if (header === undefined) return null;
  let value: string;
  if (typeof header === 'string') value = header;
  else if (header.length === 1) value = header[0]!;
  else if (header.length === 0) return null;
  else throw malformed(MESSAGES.malformedAuthorization);
  const space = value.indexOf(' ');
  if (!isBearerScheme(value, space === -1 ? value.length : space)) {
    throw malformed(value.trim() === '' ? MESSAGES.noToken : MESSAGES.malformedAuthorization);
  }
  return space === -1 ? '' : value.slice(space + 1);
}

/** `credential` when it is exactly one token68 (what followed exactly one space); 401 `invalid_request` otherwise. */
export function assertToken68(credential: string): string {
  // Exactly one token68 after exactly one space, as the original middleware's split(' ').length === 2 demands.
  if (TOKEN68.test(credential)) return credential;
  throw malformed(credential.trim() === '' ? MESSAGES.noToken : MESSAGES.malformedAuthorization);
}

/** `value.slice(0, end)` equals "bearer" case-insensitively (ASCII only, as RFC 7235 schemes are). */
function isBearerScheme(value: string, end: number): boolean {
  if (end !== SCHEME_BEARER.length) return false;
  for (let i = 0; i < end; i++) {
    // `| 0x20` lower-cases A–Z and leaves a–z alone; no other character maps onto a lower-case letter.
    if ((value.charCodeAt(i) | 0x20) !== SCHEME_BEARER.charCodeAt(i)) return false;
  }
  return true;
}

/** The error for a protected route reached with no credentials at all: 401, a challenge naming no error. */
export function missingCredentials(): AuthError {
  return new AuthError('invalid_request', MESSAGES.noToken, {
    status: 401,
    challenge: 'Bearer',
    challengeError: false,
  });
}
