import { AuthError } from '../errors/auth-error.js';
import { optionError } from '../lib/option-error.js';
import { isCommonPassword } from './common-passwords.js';
import { codePointLength, normalizePassword } from './normalize-password.js';
import { type PasswordScore, passwordScore } from './password-strength.js';

/** Why a new password was refused: the `reason` of its 400 `weak_password` error. */
export type PasswordRefusalReason = 'too_short' | 'too_long' | 'common' | 'weak';

export interface PasswordPolicyOptions {
  /** Fewest code points (after NFKC normalisation). Default 12. */
  minLength?: number;
  /** Most code points (after NFKC normalisation), checked before hashing. Default 128, at most 1024. */
  maxLength?: number;
  /** Refuse passwords on zxcvbn-ts's common-password list (case-insensitive). Default `true`. */
  rejectCommon?: boolean;
  /** Minimum zxcvbn score, 0–4 (3 is "safely unguessable"). Default: not checked. */
  minScore?: PasswordScore;
}

export interface PasswordCheckContext {
  /** Words a guesser would try for this user (e-mail, name, site name); only used with `minScore`. */
  userInputs?: readonly string[];
}

/** The rules a new password must meet (NIST SP 800-63B: length and a blocklist, no composition rules). */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  readonly rejectCommon: boolean;
  readonly minScore: PasswordScore | undefined;
  /**
   * Resolves the password's NFKC form when it meets the policy. Rejects with 400 `weak_password` (reason
   * `too_short`, `too_long`, `common` or `weak`) when it does not, or 400 `invalid_request` for a non-string.
   */
  check(password: unknown, context?: PasswordCheckContext): Promise<string>;
}

/** Hard ceiling on `maxLength`, so the guard against hashing huge input cannot be configured away. */
const MAX_MAX_LENGTH = 1024;

function lengthOption(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_MAX_LENGTH) {
    throw optionError(
      `createPasswordPolicy.${name}`,
      `must be an integer from ${min} to ${MAX_MAX_LENGTH}`,
      'omit it for the default',
    );
  }
  return value;
}

/**
 * Builds a password policy: by default 12 to 128 code points after NFKC normalisation and not a well-known
 * common password; optionally a minimum zxcvbn score. Refusal messages state the rule, never the password.
 * The common-password list and zxcvbn load on the first check, not at import.
 *
 * @example
 * const policy = createPasswordPolicy({ minScore: 3 });
 * await policy.check(body.password, { userInputs: [body.email] }); // throws AuthError('weak_password')
 */
export function createPasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  if (typeof options !== 'object' || options === null) {
    throw optionError(
      'createPasswordPolicy(options)',
      'must be an object',
      'pass { minLength, … }, or nothing',
    );
  }
  const minLength = lengthOption('minLength', options.minLength, 12, 1);
  const maxLength = lengthOption('maxLength', options.maxLength, 128, minLength);
  const rejectCommon = options.rejectCommon ?? true;
  if (typeof rejectCommon !== 'boolean') {
    throw optionError(
      'createPasswordPolicy.rejectCommon',
      `must be a boolean, not ${typeof rejectCommon}`,
      'omit it for true',
    );
  }
  const minScore = options.minScore;
  if (minScore !== undefined && !(Number.isInteger(minScore) && minScore >= 0 && minScore <= 4)) {
    throw optionError(
      'createPasswordPolicy.minScore',
      'must be an integer from 0 to 4',
      'omit it to score no password',
    );
  }
  const checksScore = minScore !== undefined && minScore > 0;
  const messages: Record<Exclude<PasswordRefusalReason, 'too_long'>, string> = {
    too_short: `Password must be at least ${minLength} characters`,
    common: 'Password is too common; choose one that is not on lists of leaked passwords',
    weak: 'Password is too easy to guess; try a longer phrase of unrelated words',
  };
  const refusal = (reason: keyof typeof messages) =>
    new AuthError('weak_password', messages[reason], { reason });

  return Object.freeze({
    minLength,
    maxLength,
    rejectCommon,
    minScore,
    async check(password: unknown, context: PasswordCheckContext = {}): Promise<string> {
      const normalized = normalizePassword(password, maxLength, 'weak_password');
      const userInputs = context.userInputs ?? [];
      if (!Array.isArray(userInputs)) {
        throw optionError(
          'passwordPolicy.check().userInputs',
          'must be an array',
          "pass the user's own words, such as [email, name]",
        );
      }
      if (codePointLength(normalized) < minLength) throw refusal('too_short');
      if (rejectCommon && (await isCommonPassword(normalized))) throw refusal('common');
      if (checksScore && (await passwordScore(normalized, userInputs)) < (minScore as number)) {
        throw refusal('weak');
      }
      return normalized;
    },
  });
}
