import { type BcryptHashInfo, bcryptSettings, parseBcryptHash } from './bcrypt-hash.js';

/**
 * A legacy bcrypt hash wrapped in argon2id: `$argon2id-bcrypt$` + the bcrypt hash's settings (`2b$12$` and its
 * 22-character salt) + an argon2id PHC hash whose input is the whole bcrypt hash. The digest — all that would
 * help an attacker — is only inside the argon2id; the settings stay readable, so that a login recomputes
 * bcrypt(password) with them and verifies the argon2id over it, no plaintext ever needed for the migration.
 *
 * `$argon2id-bcrypt$2b$12$N9qo8uLOickgx2ZMRZoMye$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`
 */
export interface WrappedBcryptHash {
  /** Version, cost and salt of the bcrypt hash inside. */
  readonly bcrypt: BcryptHashInfo;
  /** The argon2id PHC hash of the bcrypt hash. */
  readonly argon2: string;
}

export const WRAPPED_BCRYPT_PREFIX = '$argon2id-bcrypt$';

// Only argon2id, v=19, with numeric parameters and standard base64 salt and hash; `x` (crypt_blowfish's bug)
// is never wrapped.
const WRAPPED_BCRYPT = new RegExp(
  '^\\$argon2id-bcrypt\\$(2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{22})' +
    '(\\$argon2id\\$v=19\\$m=\\d{1,10},t=\\d{1,10},p=\\d{1,3}\\$[A-Za-z0-9+/]{11,}\\$[A-Za-z0-9+/]{16,})$',
);
/** A placeholder digest, to read the settings with the bcrypt parser. */
const NO_DIGEST = '.'.repeat(31);

/** True when the stored hash claims the wrapped format, whether or not it is well formed. */
export function isWrappedBcrypt(storedHash: string): boolean {
  return storedHash.startsWith(WRAPPED_BCRYPT_PREFIX);
}

/** Reads a wrapped hash; `undefined` when it is not well formed (its bcrypt cost must be 4 to 31). */
export function parseWrappedBcrypt(storedHash: string): WrappedBcryptHash | undefined {
  const match = WRAPPED_BCRYPT.exec(storedHash);
  if (match === null) return undefined;
  const bcrypt = parseBcryptHash(`$${match[1]}${NO_DIGEST}`);
  if (bcrypt === undefined) return undefined;
  return Object.freeze({ bcrypt, argon2: match[2] as string });
}

/** Writes the wrapped form of a bcrypt hash, given the argon2id PHC hash of that bcrypt hash. */
export function formatWrappedBcrypt(bcrypt: BcryptHashInfo, argon2: string): string {
  return WRAPPED_BCRYPT_PREFIX + bcryptSettings(bcrypt).slice(1) + argon2;
}
