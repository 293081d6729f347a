import { parseOptions } from '@node-rs/argon2';
import {
  ARGON2_OUTPUT_LENGTH,
  ARGON2_SALT_LENGTH,
  ARGON2_VERSION_0x13,
  ARGON2ID,
  type Argon2Options,
} from './argon2-options.js';

const ARGON2_FAMILY = /^\$argon2(?:id|i|d)\$/;

/** True when the stored hash is in the PHC `$argon2…$` family (argon2id, argon2i or argon2d). */
export function isArgon2Family(storedHash: string): boolean {
  return ARGON2_FAMILY.test(storedHash);
}

/**
 * True unless `storedHash` is an argon2id (v=19) hash made with exactly `params`, a 32-byte output and a
 * salt of at least 16 bytes. A bcrypt hash, an argon2i/argon2d hash, other parameters (weaker or stronger)
 * and text that is not a hash at all all need a new hash.
 */
export function argon2NeedsRehash(storedHash: string, params: Readonly<Required<Argon2Options>>): boolean {
  if (!isArgon2Family(storedHash)) return true;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(storedHash);
  } catch {
    return true;
  }
  return (
    parsed.algorithm !== ARGON2ID ||
    parsed.version !== ARGON2_VERSION_0x13 ||
    parsed.memoryCost !== params.memoryCost ||
    parsed.timeCost !== params.timeCost ||
    parsed.parallelism !== params.parallelism ||
    parsed.outputLen !== ARGON2_OUTPUT_LENGTH ||
    parsed.saltLen < ARGON2_SALT_LENGTH
  );
}
