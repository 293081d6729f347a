import type { Algorithm, Version } from '@node-rs/argon2';
import { optionError } from '../lib/option-error.js';

/** The argon2id cost parameters portcullis hashes with. */
export interface Argon2Options {
  /** Memory per hash in KiB (`m=`). Default 19456 (19 MiB). */
  memoryCost?: number;
  /** Passes over memory (`t=`). Default 2. */
  timeCost?: number;
  /** Lanes (`p=`). Default 1. */
  parallelism?: number;
}

/**
 * OWASP's baseline argon2id parameters (Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1), the defaults of
 * `createPasswordHasher`. About 10–20 ms per hash on a current server core.
 *
 * @example createPasswordHasher({ argon2: { ...OWASP_ARGON2_OPTIONS, memoryCost: 47104, timeCost: 1 } });
 */
export const OWASP_ARGON2_OPTIONS: Readonly<Required<Argon2Options>> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

// `Algorithm` and `Version` are `const enum`s in @node-rs/argon2's types with no runtime object behind them
// (and ambient const enums cannot be read under `isolatedModules`), so their values are spelled here.
export const ARGON2ID = 2 as Algorithm;
export const ARGON2_VERSION_0x13 = 1 as Version;
/** Raw hash length in bytes; @node-rs/argon2's default and what every hash portcullis writes carries. */
export const ARGON2_OUTPUT_LENGTH = 32;
/** Salt length @node-rs/argon2 generates; a stored hash with a shorter salt is due for a rehash. */
export const ARGON2_SALT_LENGTH = 16;

const UINT32_MAX = 2 ** 32 - 1;

function integerOption(name: keyof Argon2Options, value: unknown, min: number, max: number): number {
  if (value === undefined) return OWASP_ARGON2_OPTIONS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(
      `passwords.argon2.${name}`,
      `must be an integer from ${min} to ${max}`,
      "omit it for OWASP's default",
    );
  }
  return value;
}

/** Validates argon2id options (a `TypeError` names the bad one) and fills in the OWASP defaults. */
export function resolveArgon2Options(options: Argon2Options = {}): Readonly<Required<Argon2Options>> {
  if (typeof options !== 'object' || options === null) {
    throw optionError(
      'passwords.argon2',
      'must be an object',
      'pass { memoryCost, timeCost, parallelism }, or omit it',
    );
  }
  const parallelism = integerOption('parallelism', options.parallelism, 1, 255);
  const timeCost = integerOption('timeCost', options.timeCost, 1, UINT32_MAX);
  // Argon2 needs at least 8 KiB per lane (RFC 9106 §3.1).
  const memoryCost = integerOption('memoryCost', options.memoryCost, 8 * parallelism, UINT32_MAX);
  return Object.freeze({ memoryCost, timeCost, parallelism });
}
