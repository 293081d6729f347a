import { AuthError } from '../errors/auth-error.js';

// NFKC composes at most four code points (UTF-16 units) into one (e.g. U+1F85 from α + three marks), so
// text over four times the limit cannot normalise to within it: refusing it first keeps a huge input from
// being normalised at all.
const MAX_COMPOSITION_RATIO = 4;

// In a `u` regex a lone surrogate matches \p{Surrogate}; a well-formed pair is one astral code point.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** The code an over-long password is refused with: `weak_password` when new, `invalid_request` at login. */
export type TooLongCode = 'weak_password' | 'invalid_request';

/** Counts Unicode code points, so an emoji or an astral character counts as one (not as two UTF-16 units). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function tooLongError(code: TooLongCode, maxLength: number): AuthError {
  return new AuthError(code, `Password must be at most ${maxLength} characters`, { reason: 'too_long' });
}

/**
 * Checks that `password` is well-formed text no longer than `maxLength` code points and returns its NFKC
 * form, the form portcullis hashes and verifies, so that `ﬁ` and `fi`, or a composed and a decomposed `é`,
 * are the same password. Refuses a non-string or ill-formed string with 400 `invalid_request`, and an
 * over-long one with `tooLongCode` (reason `too_long`) before any expensive work.
 *
 * @example normalizePassword('ﬁsh and chips', 128) // 'fish and chips'
 */
export function normalizePassword(
  password: unknown,
  maxLength: number,
  tooLongCode: TooLongCode = 'weak_password',
): string {
  if (typeof password !== 'string') {
    throw new AuthError('invalid_request', 'Password must be a string', { reason: 'not_a_string' });
  }
  if (password.length > maxLength * MAX_COMPOSITION_RATIO) throw tooLongError(tooLongCode, maxLength);
  if (LONE_SURROGATE.test(password)) {
    throw new AuthError('invalid_request', 'Password must be valid Unicode text', {
      reason: 'malformed_unicode',
    });
  }
  const normalized = password.normalize('NFKC');
  if (codePointLength(normalized) > maxLength) throw tooLongError(tooLongCode, maxLength);
  return normalized;
}
