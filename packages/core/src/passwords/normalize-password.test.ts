import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { codePointLength, normalizePassword } from './normalize-password.js';

function thrown(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected an AuthError');
}

describe('normalizePassword', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns the NFKC form: ligatures, compatibility forms and decomposed accents', () => {
    expect(normalizePassword('\uFB01sh', 128)).toBe('fish');
    expect(normalizePassword('caf\u0065\u0301', 128)).toBe('caf\u00E9');
    expect(normalizePassword('\uFF21\uFF22\uFF23', 128)).toBe('ABC');
    expect(normalizePassword('plain ascii stays', 128)).toBe('plain ascii stays');
  });

  it('refuses a non-string with 400 invalid_request', () => {
    for (const value of [
      undefined,
      null,
      12345678901234,
      ['a'],
      { toString: () => 'x' },
      Buffer.from('pw'),
    ]) {
      const error = thrown(() => normalizePassword(value, 128));
      expect(error.code).toBe('invalid_request');
      expect(error.status).toBe(400);
      expect(error.reason).toBe('not_a_string');
    }
  });

  it('refuses a lone surrogate, which has no UTF-8 encoding, but accepts a proper pair', () => {
    const error = thrown(() => normalizePassword('abc\uD800def', 128));
    expect(error.code).toBe('invalid_request');
    expect(error.reason).toBe('malformed_unicode');
    expect(normalizePassword('abc\uD83D\uDE00', 128)).toBe('abc😀');
  });

  it('counts code points after normalisation, not UTF-16 units', () => {
    expect(codePointLength('😀😀')).toBe(2);
    expect('😀😀'.length).toBe(4);
    expect(normalizePassword('😀'.repeat(128), 128)).toHaveLength(256);
    expect(thrown(() => normalizePassword('😀'.repeat(129), 128)).reason).toBe('too_long');
    // 128 decomposed é are 256 code points as typed but 128 after NFKC.
    expect(codePointLength(normalizePassword('e\u0301'.repeat(128), 128))).toBe(128);
    // U+FDFA expands to 18 code points under NFKC: 8 of them are 144.
    expect(thrown(() => normalizePassword('\uFDFA'.repeat(8), 128)).reason).toBe('too_long');
  });

  it('refuses with the requested code and never repeats the password', () => {
    const password = 'x'.repeat(129);
    const asNew = thrown(() => normalizePassword(password, 128));
    expect(asNew.code).toBe('weak_password');
    expect(asNew.message).toBe('Password must be at most 128 characters');
    const atLogin = thrown(() => normalizePassword(password, 128, 'invalid_request'));
    expect(atLogin.code).toBe('invalid_request');
    expect(atLogin.reason).toBe('too_long');
  });

  it('refuses huge input before normalising it', () => {
    const normalize = vi.spyOn(String.prototype, 'normalize');
    const error = thrown(() => normalizePassword('a'.repeat(5_000_000), 128));
    expect(error.reason).toBe('too_long');
    expect(normalize).not.toHaveBeenCalled();
  });
});
