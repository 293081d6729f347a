import { dictionary } from '@zxcvbn-ts/language-common';
import { describe, expect, it } from 'vitest';
import { expectAuthError, expectRefused } from '../testing/passwords.js';
import { isCommonPassword } from './common-passwords.js';
import { createPasswordPolicy } from './password-policy.js';
import { passwordScore } from './password-strength.js';

describe('createPasswordPolicy', () => {
  const policy = createPasswordPolicy();

  it('defaults to 12–128 code points, common passwords refused, no score check', () => {
    expect(policy).toMatchObject({ minLength: 12, maxLength: 128, rejectCommon: true, minScore: undefined });
  });

  it('refuses 11 characters, accepts 12 and 128, refuses 129', async () => {
    await expectRefused(policy.check('k7#Vq2!mZp9'), 'weak_password', 'too_short', 'k7#Vq2!mZp9');
    await expect(policy.check('k7#Vq2!mZp9x')).resolves.toBe('k7#Vq2!mZp9x');
    await expect(policy.check('q'.repeat(128))).resolves.toHaveLength(128);
    const error = await expectRefused(policy.check('q'.repeat(129)), 'weak_password', 'too_long', 'qqqqqqqq');
    expect(error.message).toBe('Password must be at most 128 characters');
  });

  it('states the rule in a too-short refusal', async () => {
    const error = await expectAuthError(policy.check('short'));
    expect(error.message).toBe('Password must be at least 12 characters');
  });

  it('counts emoji and astral characters as one each', async () => {
    // 11 emoji are 22 UTF-16 units, still too short; 12 are enough; 129 are too many.
    await expectRefused(policy.check('🔐'.repeat(11)), 'weak_password', 'too_short', '🔐');
    await expect(policy.check('🔐'.repeat(12))).resolves.toBe('🔐'.repeat(12));
    await expect(policy.check('𝄞'.repeat(128))).resolves.toBeDefined();
    await expectRefused(policy.check('🔐'.repeat(129)), 'weak_password', 'too_long', '🔐');
  });

  it('counts length after NFKC normalisation', async () => {
    // "ﬁ" is one code point as typed and two ("fi") after NFKC: 11 typed, 12 normalised.
    const typed = '\uFB01ve7#Kq2!Lm';
    expect([...typed]).toHaveLength(11);
    await expect(policy.check(typed)).resolves.toBe('five7#Kq2!Lm');
  });

  it('refuses passwords on the zxcvbn-ts common list, ignoring case', async () => {
    // Confirm the fixture is really on the maintained list rather than trusting it.
    expect(dictionary['passwords-common']).toContain('password1234');
    expect(dictionary['passwords-common']).toContain('1q2w3e4r5t6y');
    for (const common of ['password1234', 'PassWord1234', '1q2w3e4r5t6y']) {
      const error = await expectRefused(policy.check(common), 'weak_password', 'common', common);
      expect(error.message).not.toMatch(/password1234/i);
    }
    await expect(isCommonPassword('password1234')).resolves.toBe(true);
    await expect(isCommonPassword('purple-otter-kayak-sleeps')).resolves.toBe(false);
  });

  it('matches a common password typed in compatibility forms', async () => {
    // Full-width "ｐａｓｓｗｏｒｄ１２３４" normalises to "password1234".
    const fullWidth = 'password1234'.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    expect(fullWidth).not.toBe('password1234');
    await expectRefused(policy.check(fullWidth), 'weak_password', 'common', fullWidth);
  });

  it('accepts a common password when rejectCommon is false', async () => {
    await expect(createPasswordPolicy({ rejectCommon: false }).check('password1234')).resolves.toBe(
      'password1234',
    );
  });

  it('does not score strength unless minScore is set', async () => {
    await expect(passwordScore('qwertyqwerty')).resolves.toBe(0);
    await expect(policy.check('qwertyqwerty')).resolves.toBe('qwertyqwerty');
  });

  it('refuses a password under minScore and accepts one at or above it', async () => {
    const strict = createPasswordPolicy({ minScore: 3 });
    await expectRefused(strict.check('qwertyqwerty'), 'weak_password', 'weak', 'qwertyqwerty');
    await expect(strict.check('purple-otter-kayak-sleeps')).resolves.toBe('purple-otter-kayak-sleeps');
  });

  it('counts userInputs as known words when scoring', async () => {
    const strict = createPasswordPolicy({ minScore: 3 });
    await expect(strict.check('aliceliddell2024')).resolves.toBe('aliceliddell2024');
    await expectRefused(
      strict.check('aliceliddell2024', { userInputs: ['aliceliddell', 'alice@example.com'] }),
      'weak_password',
      'weak',
      'aliceliddell2024',
    );
  });

  it('refuses a non-string with invalid_request', async () => {
    for (const value of [undefined, 123456789012, { password: 'x' }]) {
      const error = await expectAuthError(policy.check(value));
      expect(error.code).toBe('invalid_request');
    }
  });

  it.each([
    [{ minLength: 0 }, /^portcullis: createPasswordPolicy\.minLength: must be an integer from 1/],
    [{ minLength: 12.5 }, /^portcullis: createPasswordPolicy\.minLength: must be an integer from 1/],
    [
      { minLength: 20, maxLength: 16 },
      /^portcullis: createPasswordPolicy\.maxLength: must be an integer from 20/,
    ],
    [{ maxLength: 5000 }, /^portcullis: createPasswordPolicy\.maxLength: must be an integer/],
    [{ rejectCommon: 'yes' }, /^portcullis: createPasswordPolicy\.rejectCommon: must be a boolean/],
    [{ minScore: 5 }, /^portcullis: createPasswordPolicy\.minScore: must be an integer from 0 to 4/],
    [{ minScore: 2.5 }, /^portcullis: createPasswordPolicy\.minScore: must be an integer from 0 to 4/],
  ])('refuses options %j with a TypeError', (options, message) => {
    expect(() => createPasswordPolicy(options as never)).toThrow(TypeError);
    expect(() => createPasswordPolicy(options as never)).toThrow(message);
  });

  it('honours custom lengths', async () => {
    const custom = createPasswordPolicy({ minLength: 16, maxLength: 20 });
    await expectRefused(custom.check('k7#Vq2!mZp9xk7#'), 'weak_password', 'too_short', 'k7#Vq2!mZp9xk7#');
    await expect(custom.check('k7#Vq2!mZp9xk7#V')).resolves.toHaveLength(16);
    await expectRefused(custom.check('k'.repeat(21)), 'weak_password', 'too_long', 'kkkkk');
  });
});
