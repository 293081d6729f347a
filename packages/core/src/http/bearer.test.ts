import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { extractBearerToken, missingCredentials } from './bearer.js';

function refusal(authorization: string | string[]) {
  try {
    extractBearerToken({ authorization });
  } catch (error) {
    return error as AuthError;
  }
  throw new Error('expected a refusal');
}

describe('extractBearerToken', () => {
  it('reads one token68 after a case-insensitive Bearer scheme', () => {
    expect(extractBearerToken({ authorization: 'Bearer abc.def-ghi_jkl~+/==' })).toBe('abc.def-ghi_jkl~+/==');
    expect(extractBearerToken({ authorization: 'bearer abc' })).toBe('abc');
    expect(extractBearerToken({ authorization: 'BEARER abc' })).toBe('abc');
    expect(extractBearerToken({ authorization: 'BeArEr abc' })).toBe('abc');
    expect(extractBearerToken({ authorization: ['Bearer abc'] })).toBe('abc');
  });

  it('returns null when there is no Authorization header', () => {
    expect(extractBearerToken({})).toBeNull();
    expect(extractBearerToken({ authorization: undefined })).toBeNull();
    expect(extractBearerToken({ authorization: [] })).toBeNull();
  });

  it.each([
    ['Basic dXNlcjpwYXNz', 'Malformed authorization header'],
    ['Token abc', 'Malformed authorization header'],
    ['\u0412earer abc', 'Malformed authorization header'], // Cyrillic В: only ASCII letters fold
    ['Bearef abc', 'Malformed authorization header'],
    ['Bearerabc', 'Malformed authorization header'],
    ['Bearer abc def', 'Malformed authorization header'],
    ['Bearer  abc', 'Malformed authorization header'],
    ['Bearer abc ', 'Malformed authorization header'],
    ['Bearer a"b', 'Malformed authorization header'],
    ['Bearer a,b', 'Malformed authorization header'],
    ['Bearer =abc', 'Malformed authorization header'],
    ['Bearer', 'No token provided'],
    ['Bearer ', 'No token provided'],
    ['Bearer    ', 'No token provided'],
    ['', 'No token provided'],
  ])('refuses %j as 401 invalid_request: %s', (header, message) => {
    const error = refusal(header);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(401);
    expect(error.message).toBe(message);
    expect(error.challenge).toBe('Bearer');
    expect(error.challengeError).toBe(true);
  });

  it('refuses several Authorization headers even when each is valid', () => {
    const error = refusal(['Bearer abc', 'Bearer abc']);
    expect(error.message).toBe('Malformed authorization header');
  });

  it('reports a missing credential without naming an error in the challenge (RFC 6750 §3.1)', () => {
    const error = missingCredentials();
    expect(error.status).toBe(401);
    expect(error.message).toBe('No token provided');
    expect(error.challengeError).toBe(false);
  });

  it('ends every input in a token, null, or an AuthError — never another exception (property)', () => {
    const headerValue = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('Bearer ', 'bearer ', 'Basic ').chain((p) => fc.string().map((s) => p + s)),
    );
    fc.assert(
      fc.property(fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })), (authorization) => {
        try {
          const token = extractBearerToken({ authorization });
          if (token !== null) expect(token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError);
          expect([400, 401]).toContain((error as AuthError).status);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
