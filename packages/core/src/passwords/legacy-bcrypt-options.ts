import { optionError } from '../lib/option-error.js';
import type { LegacyPasswordForm } from './bcrypt-hash.js';

export interface LegacyBcryptOptions {
  /** Lowest bcrypt cost verified; a hash below it is refused as invalid. Default 12. */
  minCost?: number;
  /**
   * The cost of your legacy hashes (the highest, if they vary). A login that verifies no bcrypt hash — an
   * unknown e-mail, an argon2id account, a refused hash — spends one bcrypt computation at this cost, so
   * that no login answers faster than a legacy account's. Default `minCost`.
   */
  cost?: number;
  /**
   * What the legacy system hashed: the password as typed (`'none'`, what bcrypt libraries do), or its
   * `'NFC'` or `'NFKC'` form. A login computes bcrypt once, over this text. Default `'none'`.
   */
  normalization?: LegacyPasswordForm;
}

export interface ResolvedLegacyBcrypt {
  readonly minCost: number;
  readonly cost: number;
  readonly normalization: LegacyPasswordForm;
}

const FORMS: readonly LegacyPasswordForm[] = ['none', 'NFC', 'NFKC'];

function costOption(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 31) {
    throw optionError(
      `passwords.bcrypt.${name}`,
      `must be an integer from ${min} to 31`,
      'omit it for the default',
    );
  }
  return value;
}

/**
 * Validates `bcrypt` options (a `TypeError` names the bad one) and fills in the defaults; `undefined` when
 * legacy bcrypt verification is off (`bcrypt` absent or `false`).
 */
export function resolveLegacyBcryptOptions(
  options: boolean | LegacyBcryptOptions | undefined,
): ResolvedLegacyBcrypt | undefined {
  if (options === undefined || options === false) return undefined;
  const given = options === true ? {} : options;
  if (typeof given !== 'object' || given === null) {
    throw optionError(
      'passwords.bcrypt',
      `must be true, false or an object, not ${typeof given}`,
      'pass true, or { minCost, cost, normalization }',
    );
  }
  const minCost = costOption('minCost', given.minCost ?? 12, 4);
  const cost = costOption('cost', given.cost ?? minCost, minCost);
  const normalization = given.normalization ?? 'none';
  if (!FORMS.includes(normalization)) {
    throw optionError(
      'passwords.bcrypt.normalization',
      "must be 'none', 'NFC' or 'NFKC'",
      "give the form your old system normalized passwords to, or omit it for 'none'",
    );
  }
  return Object.freeze({ minCost, cost, normalization });
}
