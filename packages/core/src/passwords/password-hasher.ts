import { hash as argon2Hash, verify as argon2Verify, type Options } from '@node-rs/argon2';
import {
  ARGON2_OUTPUT_LENGTH,
  ARGON2_VERSION_0x13,
  ARGON2ID,
  type Argon2Options,
  resolveArgon2Options,
} from './argon2-options.js';
import { isBcryptFamily, parseBcryptHash, verifyBcrypt } from './bcrypt-hash.js';
import { createDummyHash } from './dummy-hash.js';
import { argon2NeedsRehash, isArgon2Family } from './needs-rehash.js';
import { normalizePassword } from './normalize-password.js';
import {
  createPasswordPolicy,
  type PasswordCheckContext,
  type PasswordPolicy,
  type PasswordPolicyOptions,
} from './password-policy.js';

export interface LegacyBcryptOptions {
  /** Lowest bcrypt cost verified; a hash below it is refused as invalid. Default 12. */
  minCost?: number;
}

export interface PasswordHasherOptions {
  /** argon2id parameters. Default `OWASP_ARGON2_OPTIONS` (m=19456 KiB, t=2, p=1). */
  argon2?: Argon2Options;
  /** Rules `hash()` enforces on new passwords; `maxLength` also bounds what `verify()` accepts. */
  policy?: PasswordPolicyOptions;
  /** Verification of hashes imported from a bcrypt system (`$2a$`, `$2b$`, `$2y$`). */
  bcrypt?: LegacyBcryptOptions;
}

/**
 * The outcome of `verify()`. When the password is right but the stored hash is outdated (bcrypt, argon2i/d,
 * or other argon2id parameters), `newHash` is a fresh argon2id hash of it to store in place of the old one.
 */
export type PasswordVerification =
  | { readonly valid: false; readonly needsRehash: false; readonly newHash: undefined }
  | { readonly valid: true; readonly needsRehash: false; readonly newHash: undefined }
  | { readonly valid: true; readonly needsRehash: true; readonly newHash: string };

export interface PasswordHasher {
  /** The argon2id parameters new hashes are made with. */
  readonly argon2: Readonly<Required<Argon2Options>>;
  /** The policy `hash()` enforces, to check a password without hashing it (e.g. a strength meter). */
  readonly policy: PasswordPolicy;
  /**
   * Checks a new password against the policy, then hashes its NFKC form with argon2id on the libuv
   * threadpool. Rejects with 400 `weak_password` (reason `too_short`, `too_long`, `common`, `weak`) or
   * 400 `invalid_request` (not a string).
   */
  hash(password: unknown, context?: PasswordCheckContext): Promise<string>;
  /**
   * Verifies a login attempt. Pass `null` for an unknown user (or one without a password): the password is
   * then checked against a dummy argon2id hash with the same parameters, so an unknown e-mail costs what a
   * wrong password costs, and the result is never valid. Only the type and `maxLength` are checked, so
   * passwords set under an older policy still log in; an over-long one is refused before hashing with 400
   * `invalid_request`. A bcrypt hash below the minimum cost (or `$2x$`) is refused as invalid, after the same
   * dummy work; a stored hash in no known format throws an `Error` (a data problem, not a wrong password).
   */
  verify(storedHash: string | null | undefined, password: unknown): Promise<PasswordVerification>;
  /** True when a stored hash is not argon2id with the configured parameters (e.g. bcrypt). Never throws. */
  needsRehash(storedHash: string): boolean;
}

const INVALID: PasswordVerification = Object.freeze({ valid: false, needsRehash: false, newHash: undefined });
const VALID: PasswordVerification = Object.freeze({ valid: true, needsRehash: false, newHash: undefined });

function unrecognisedHash(): Error {
  // Never quote the stored hash: it is secret material too.
  return new Error('passwordHasher.verify: the stored hash is not a well-formed argon2 or bcrypt hash');
}

/**
 * Creates an argon2id password hasher (OWASP parameters by default) that also verifies legacy bcrypt hashes
 * and upgrades outdated hashes on login: `verify()` resolves `{ valid, needsRehash, newHash }`, and when
 * `needsRehash` is true the caller stores `newHash` (made without re-applying the policy, so a login is never
 * refused for a password the old rules allowed). Hashing runs on the libuv threadpool, never blocking the
 * event loop (size it with `UV_THREADPOOL_SIZE`; each concurrent hash holds `memoryCost` KiB).
 *
 * @example
 * const passwords = createPasswordHasher();
 * const user = await users.findByEmail(email);
 * const result = await passwords.verify(user?.passwordHash ?? null, password);
 * if (!result.valid) throw new AuthError('invalid_credentials', 'Invalid e-mail or password');
 * if (result.needsRehash) await users.setPasswordHash(user!.id, result.newHash);
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createPasswordHasher: options must be an object');
  }
  const argon2 = resolveArgon2Options(options.argon2);
  const policy = createPasswordPolicy(options.policy);
  const bcryptMinCost = options.bcrypt?.minCost ?? 12;
  if (!Number.isInteger(bcryptMinCost) || bcryptMinCost < 4 || bcryptMinCost > 31) {
    throw new TypeError('createPasswordHasher: bcrypt.minCost must be an integer from 4 to 31');
  }
  const hashOptions: Options = Object.freeze({
    algorithm: ARGON2ID,
    version: ARGON2_VERSION_0x13,
    outputLen: ARGON2_OUTPUT_LENGTH,
    ...argon2,
  });
  const dummyHash = createDummyHash(hashOptions);

  async function refuse(normalized: string): Promise<PasswordVerification> {
    await argon2Verify(await dummyHash(), normalized);
    return INVALID;
  }

  async function accept(storedHash: string, normalized: string): Promise<PasswordVerification> {
    if (!argon2NeedsRehash(storedHash, argon2)) return VALID;
    return Object.freeze({
      valid: true,
      needsRehash: true,
      newHash: await argon2Hash(normalized, hashOptions),
    });
  }

  return Object.freeze({
    argon2,
    policy,
    async hash(password: unknown, context?: PasswordCheckContext): Promise<string> {
      return argon2Hash(await policy.check(password, context), hashOptions);
    },
    async verify(storedHash: string | null | undefined, password: unknown): Promise<PasswordVerification> {
      if (storedHash !== null && storedHash !== undefined && typeof storedHash !== 'string') {
        throw new TypeError('passwordHasher.verify: storedHash must be a string, or null for no user');
      }
      const normalized = normalizePassword(password, policy.maxLength, 'invalid_request');
      if (storedHash === null || storedHash === undefined) return refuse(normalized);
      if (isArgon2Family(storedHash)) {
        let valid: boolean;
        try {
          valid = await argon2Verify(storedHash, normalized);
        } catch {
          throw unrecognisedHash();
        }
        return valid ? accept(storedHash, normalized) : INVALID;
      }
      if (isBcryptFamily(storedHash)) {
        const info = parseBcryptHash(storedHash);
        if (info === undefined) throw unrecognisedHash();
        if (info.version === 'x' || info.cost < bcryptMinCost) return refuse(normalized);
        // normalizePassword has checked that `password` is a string.
        const valid = await verifyBcrypt(storedHash, normalized, password as string);
        return valid ? accept(storedHash, normalized) : INVALID;
      }
      throw unrecognisedHash();
    },
    needsRehash(storedHash: string): boolean {
      return typeof storedHash !== 'string' || argon2NeedsRehash(storedHash, argon2);
    },
  });
}
