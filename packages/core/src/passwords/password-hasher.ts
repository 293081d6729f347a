import { availableParallelism } from 'node:os';
import { hash as argon2Hash, verify as argon2Verify, type Options } from '@node-rs/argon2';
import { optionError } from '../lib/option-error.js';
import {
  ARGON2_OUTPUT_LENGTH,
  ARGON2_VERSION_0x13,
  ARGON2ID,
  type Argon2Options,
  resolveArgon2Options,
} from './argon2-options.js';
import {
  type BcryptHashInfo,
  isBcryptFamily,
  isWrappableBcryptHash,
  legacyPasswordText,
  parseBcryptHash,
  recomputeBcrypt,
  verifyBcrypt,
} from './bcrypt-hash.js';
import { createDummyBcryptHash, createDummyHash } from './dummy-hash.js';
import { createHashingQueue } from './hashing-queue.js';
import { type LegacyBcryptOptions, resolveLegacyBcryptOptions } from './legacy-bcrypt-options.js';
import {
  BCRYPT_PACKAGE,
  BCRYPT_UNAVAILABLE,
  type BcryptFunctions,
  type BcryptLoader,
  bcryptMissingError,
  bcryptUnavailable,
  importBcrypt,
} from './load-bcrypt.js';
import { argon2NeedsRehash, isArgon2Family } from './needs-rehash.js';
import { normalizePassword } from './normalize-password.js';
import {
  createPasswordPolicy,
  type PasswordCheckContext,
  type PasswordPolicy,
  type PasswordPolicyOptions,
} from './password-policy.js';
import { libuvThreadpoolSize } from './threadpool-size.js';
import { formatWrappedBcrypt, isWrappedBcrypt, parseWrappedBcrypt } from './wrapped-bcrypt.js';

export type { LegacyBcryptOptions } from './legacy-bcrypt-options.js';

export interface PasswordHasherOptions {
  /** argon2id parameters. Default `OWASP_ARGON2_OPTIONS` (m=19456 KiB, t=2, p=1). */
  argon2?: Argon2Options;
  /** Rules `hash()` enforces on new passwords; `maxLength` also bounds what `verify()` accepts. */
  policy?: PasswordPolicyOptions;
  /**
   * Verification of hashes imported from a bcrypt system (`$2a$`, `$2b$`, `$2y$`) and of their wrapped form
   * (`wrapLegacyBcryptHash`). Off by default: a stored bcrypt hash then throws like any unknown format.
   * `true` takes the defaults. While it is on, every login costs one bcrypt computation (at `bcrypt.cost`)
   * plus one argon2id, whatever the account — the price of not telling legacy accounts apart by timing.
   * Needs `@node-rs/bcrypt`, an optional peer dependency (`npm install @node-rs/bcrypt`), imported on the first
   * login; without it every login answers 503 `temporarily_unavailable`, and a `passwords.bcrypt_unavailable`
   * event and a process warning (`PORTCULLIS_BCRYPT_UNAVAILABLE`) name the package, once.
   */
  bcrypt?: boolean | LegacyBcryptOptions;
  /**
   * argon2 and bcrypt computations running at once, each on one libuv thread. Default: the threadpool size
   * (`UV_THREADPOOL_SIZE`, else 4), as more would only wait inside libuv — behind file and DNS work too.
   */
  maxConcurrent?: number;
  /**
   * Of those, new-password hashes (registration, password change, wrapping) running at once. Default: one
   * fewer than `maxConcurrent` and one fewer than the CPUs (at least 1), so that a flood of registrations
   * leaves logins a thread and a core to share with the event loop.
   */
  maxConcurrentHashes?: number;
  /**
   * Computations waiting for a slot; past that, one is refused at once with 503 `temporarily_unavailable`
   * and `Retry-After`. Default `8 × maxConcurrent`: the last in line then waits about eight computations'
   * time, beyond which a client is better told to come back than left waiting towards a proxy's timeout.
   */
  maxQueued?: number;
  /** Hasher events, for logs (`createAuth` sends them to its `onEvent` too). An exception thrown here is ignored. */
  onEvent?: (event: PasswordHasherEvent) => void;
}

/** What a hasher reports through `onEvent`; never a password or hash. */
export type PasswordHasherEvent =
  /**
   * `passwords.bcrypt` is on but `@node-rs/bcrypt` cannot be loaded: logins answer 503 until it is installed.
   * Sent once per hasher; `install` is the command that fixes it.
   */
  { type: 'passwords.bcrypt_unavailable'; module: '@node-rs/bcrypt'; install: string };

/**
 * The outcome of `verify()`. When the password is right but the stored hash is outdated (bcrypt, wrapped
 * bcrypt, argon2i/d, or other argon2id parameters), `newHash` is a fresh argon2id hash of it to store in
 * place of the old one.
 */
export type PasswordVerification =
  | { readonly valid: false; readonly needsRehash: false; readonly newHash: undefined }
  | { readonly valid: true; readonly needsRehash: false; readonly newHash: undefined }
  | { readonly valid: true; readonly needsRehash: true; readonly newHash: string };

/** How busy a hasher's queue is, and its bounds: for metrics and health checks. */
export interface PasswordHasherLoad {
  readonly running: number;
  readonly queued: number;
  readonly maxConcurrent: number;
  readonly maxConcurrentHashes: number;
  readonly maxQueued: number;
}

export interface PasswordHasher {
  /** The argon2id parameters new hashes are made with. */
  readonly argon2: Readonly<Required<Argon2Options>>;
  /** The policy `hash()` enforces, to check a password without hashing it (e.g. a strength meter). */
  readonly policy: PasswordPolicy;
  /**
   * Checks a new password against the policy, then hashes its NFKC form with argon2id on the libuv
   * threadpool. Rejects with 400 `weak_password` (reason `too_short`, `too_long`, `common`, `weak`) or
   * 400 `invalid_request` (not a string), and with 503 `temporarily_unavailable` when the queue is full.
   */
  hash(password: unknown, context?: PasswordCheckContext): Promise<string>;
  /**
   * Verifies a login attempt. Pass `null` for an unknown user (or one without a password): the password is
   * then checked against a dummy hash, so an unknown e-mail costs what a wrong password costs, and the result
   * is never valid. Only the type and `maxLength` are checked, so passwords set under an older policy still
   * log in; an over-long one is refused before hashing with 400 `invalid_request`. A bcrypt hash below the
   * minimum cost (or `$2x$`) is refused as invalid, after the same dummy work; a stored hash in no known
   * format (or a bcrypt one while `bcrypt` is off) throws an `Error` (a data problem, not a wrong password).
   * Verifications go ahead of waiting new-password hashes; 503 `temporarily_unavailable` when the queue is
   * full of other verifications.
   */
  verify(storedHash: string | null | undefined, password: unknown): Promise<PasswordVerification>;
  /** True when a stored hash is not argon2id with the configured parameters (e.g. bcrypt). Never throws. */
  needsRehash(storedHash: string): boolean;
  /**
   * Wraps a stored bcrypt hash in argon2id (the hasher's parameters), with no plaintext needed: the result
   * verifies the same passwords (with `bcrypt` on), and a login replaces it with a plain argon2id hash. Throws
   * an `Error` for anything but a well-formed `$2a$`/`$2b$`/`$2y$` hash bcrypt would verify. Queued like
   * `hash()`. `migrateLegacyBcryptHashes` runs it over a users table.
   */
  wrapLegacyBcryptHash(bcryptHash: string): Promise<string>;
  /** How many computations run and wait now, and the bounds. */
  load(): PasswordHasherLoad;
}

const INVALID: PasswordVerification = Object.freeze({ valid: false, needsRehash: false, newHash: undefined });
const VALID: PasswordVerification = Object.freeze({ valid: true, needsRehash: false, newHash: undefined });
/** Upper bound on `maxQueued`: a wait list longer than this would be a backlog, not a queue. */
const MAX_MAX_QUEUED = 10_000;
const QUEUED_PER_SLOT = 8;

// Never quote the stored hash in these: it is secret material too.
function unrecognizedHash(): Error {
  return new Error('passwordHasher.verify: the stored hash is not a well-formed argon2 or bcrypt hash');
}

function bcryptIsOff(): Error {
  return new Error(
    'passwordHasher.verify: the stored hash is a legacy bcrypt hash; set passwords.bcrypt to verify it',
  );
}

function boundOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(
      `passwords.${name}`,
      `must be an integer from ${min} to ${max}`,
      'omit it for the default',
    );
  }
  return value;
}

/** A stored hash, read before any work is queued: what a verification has to compute. */
type StoredHash =
  | { readonly kind: 'none' }
  | { readonly kind: 'argon2'; readonly hash: string }
  | { readonly kind: 'bcrypt'; readonly hash: string; readonly refused: boolean }
  | {
      readonly kind: 'wrapped';
      readonly argon2: string;
      readonly info: BcryptHashInfo;
      readonly refused: boolean;
    };

const NO_HASH: StoredHash = Object.freeze({ kind: 'none' });

/**
 * Creates an argon2id password hasher (OWASP parameters by default) that can also verify legacy bcrypt
 * hashes, and upgrades outdated hashes on login: `verify()` resolves `{ valid, needsRehash, newHash }`, and
 * when `needsRehash` is true the caller stores `newHash` (made without re-applying the policy, so a login is
 * never refused for a password the old rules allowed). Hashing runs on the libuv threadpool, never blocking
 * the event loop, through a bounded queue that serves logins first (each running hash holds `memoryCost` KiB).
 *
 * @example
 * const passwords = createPasswordHasher();
 * const user = await users.findByEmail(email);
 * const result = await passwords.verify(user?.passwordHash ?? null, password);
 * if (!result.valid) throw new AuthError('invalid_credentials', 'Invalid e-mail or password');
 * if (result.needsRehash) await users.setPasswordHash(user!.id, result.newHash);
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  return createPasswordHasherWith(importBcrypt, options);
}

/**
 * `createPasswordHasher` with the bcrypt loader given (not exported from the package): tests pass one that
 * fails, as an installation without `@node-rs/bcrypt` would.
 */
export function createPasswordHasherWith(
  importBcryptModule: BcryptLoader,
  options: PasswordHasherOptions = {},
): PasswordHasher {
  if (typeof options !== 'object' || options === null) {
    throw optionError('passwords', 'must be an object', 'pass { argon2, policy, … }, or nothing');
  }
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw optionError('passwords.onEvent', `must be a function, not ${typeof onEvent}`, 'omit it for none');
  }
  const argon2 = resolveArgon2Options(options.argon2);
  const policy = createPasswordPolicy(options.policy);
  const legacy = resolveLegacyBcryptOptions(options.bcrypt);
  const maxConcurrent = boundOption('maxConcurrent', options.maxConcurrent, libuvThreadpoolSize(), 1, 1024);
  const maxConcurrentHashes = boundOption(
    'maxConcurrentHashes',
    options.maxConcurrentHashes,
    Math.max(1, Math.min(maxConcurrent, availableParallelism()) - 1),
    1,
    maxConcurrent,
  );
  const maxQueued = boundOption(
    'maxQueued',
    options.maxQueued,
    Math.min(MAX_MAX_QUEUED, QUEUED_PER_SLOT * maxConcurrent),
    0,
    MAX_MAX_QUEUED,
  );
  const queue = createHashingQueue({ maxConcurrent, maxConcurrentHashes, maxQueued });
  const hashOptions: Options = Object.freeze({
    algorithm: ARGON2ID,
    version: ARGON2_VERSION_0x13,
    outputLen: ARGON2_OUTPUT_LENGTH,
    ...argon2,
  });
  const dummyHash = createDummyHash(hashOptions);

  // bcrypt is loaded on the first login that computes it, which while `bcrypt` is on is every login (below).
  // When it cannot be: the operator is told once, every client gets the same 503.
  let reported = false;
  async function loadBcrypt(): Promise<BcryptFunctions> {
    try {
      return await importBcryptModule();
    } catch (error) {
      const missing = bcryptMissingError(error);
      if (!reported) {
        reported = true;
        process.emitWarning(missing.message, { code: BCRYPT_UNAVAILABLE });
        try {
          onEvent?.({
            type: 'passwords.bcrypt_unavailable',
            module: BCRYPT_PACKAGE,
            install: `npm install ${BCRYPT_PACKAGE}`,
          });
        } catch {
          // A logging hook must never change the answer.
        }
      }
      throw bcryptUnavailable(missing);
    }
  }
  const dummyBcryptHash = legacy && createDummyBcryptHash(legacy.cost, loadBcrypt);

  /** Whether a legacy hash is one portcullis will not vouch for: too cheap, or crypt_blowfish's `$2x$`. */
  function refuses(info: BcryptHashInfo, minCost: number): boolean {
    return info.version === 'x' || info.cost < minCost;
  }

  function read(storedHash: string | null | undefined): StoredHash {
    if (storedHash === null || storedHash === undefined) return NO_HASH;
    if (isArgon2Family(storedHash)) return { kind: 'argon2', hash: storedHash };
    if (isWrappedBcrypt(storedHash)) {
      const wrapped = parseWrappedBcrypt(storedHash);
      if (wrapped === undefined) throw unrecognizedHash();
      if (legacy === undefined) throw bcryptIsOff();
      const { argon2: inner, bcrypt: info } = wrapped;
      return { kind: 'wrapped', argon2: inner, info, refused: refuses(info, legacy.minCost) };
    }
    if (isBcryptFamily(storedHash)) {
      const info = parseBcryptHash(storedHash);
      if (info === undefined) throw unrecognizedHash();
      if (legacy === undefined) throw bcryptIsOff();
      return { kind: 'bcrypt', hash: storedHash, refused: refuses(info, legacy.minCost) };
    }
    throw unrecognizedHash();
  }

  // While bcrypt is on, every path below computes one bcrypt (real or dummy) and then one argon2id (a verify,
  // a dummy verify, or the upgrade's hash), in that order: the time to answer tells no account from another.
  async function dummyBcrypt(legacyText: string): Promise<void> {
    if (dummyBcryptHash !== undefined)
      await verifyBcrypt(await loadBcrypt(), await dummyBcryptHash(), legacyText);
  }

  async function dummyArgon2(normalized: string): Promise<PasswordVerification> {
    await argon2Verify(await dummyHash(), normalized);
    return INVALID;
  }

  async function upgrade(normalized: string): Promise<PasswordVerification> {
    return Object.freeze({
      valid: true,
      needsRehash: true,
      newHash: await argon2Hash(normalized, hashOptions),
    });
  }

  async function argon2Matches(storedHash: string, input: string): Promise<boolean> {
    try {
      return await argon2Verify(storedHash, input);
    } catch {
      throw unrecognizedHash();
    }
  }

  async function check(stored: StoredHash, normalized: string, raw: string): Promise<PasswordVerification> {
    const legacyText = legacy === undefined ? raw : legacyPasswordText(raw, legacy.normalization);
    if (stored.kind === 'none') {
      await dummyBcrypt(legacyText);
      return dummyArgon2(normalized);
    }
    if (stored.kind === 'argon2') {
      await dummyBcrypt(legacyText);
      if (!(await argon2Matches(stored.hash, normalized))) return INVALID;
      return argon2NeedsRehash(stored.hash, argon2) ? upgrade(normalized) : VALID;
    }
    if (stored.refused) {
      await dummyBcrypt(legacyText);
      return dummyArgon2(normalized);
    }
    if (stored.kind === 'bcrypt') {
      const bcrypt = await loadBcrypt();
      return (await verifyBcrypt(bcrypt, stored.hash, legacyText))
        ? upgrade(normalized)
        : dummyArgon2(normalized);
    }
    const bcryptHash = await recomputeBcrypt(await loadBcrypt(), stored.info, legacyText);
    return (await argon2Matches(stored.argon2, bcryptHash)) ? upgrade(normalized) : INVALID;
  }

  return Object.freeze({
    argon2,
    policy,
    async hash(password: unknown, context?: PasswordCheckContext): Promise<string> {
      const normalized = await policy.check(password, context);
      return queue.run('hash', () => argon2Hash(normalized, hashOptions));
    },
    async verify(storedHash: string | null | undefined, password: unknown): Promise<PasswordVerification> {
      if (storedHash !== null && storedHash !== undefined && typeof storedHash !== 'string') {
        throw optionError(
          'passwordHasher.verify().storedHash',
          `must be a string, not ${typeof storedHash}`,
          'pass the stored hash, or null when there is no such user',
        );
      }
      const normalized = normalizePassword(password, policy.maxLength, 'invalid_request');
      const stored = read(storedHash);
      // normalizePassword has checked that `password` is a string.
      return queue.run('verify', () => check(stored, normalized, password as string));
    },
    needsRehash(storedHash: string): boolean {
      return typeof storedHash !== 'string' || argon2NeedsRehash(storedHash, argon2);
    },
    async wrapLegacyBcryptHash(bcryptHash: string): Promise<string> {
      if (typeof bcryptHash !== 'string') {
        throw optionError(
          'passwordHasher.wrapLegacyBcryptHash().bcryptHash',
          `must be a string, not ${typeof bcryptHash}`,
          'pass the stored $2b$ hash',
        );
      }
      const info = parseBcryptHash(bcryptHash);
      if (info === undefined || !isWrappableBcryptHash(bcryptHash)) {
        throw new Error(
          'passwordHasher.wrapLegacyBcryptHash: not a well-formed $2a$, $2b$ or $2y$ hash bcrypt would verify',
        );
      }
      const wrapped = await queue.run('hash', () => argon2Hash(bcryptHash, hashOptions));
      return formatWrappedBcrypt(info, wrapped);
    },
    load: () => Object.freeze({ ...queue.load(), maxConcurrent, maxConcurrentHashes, maxQueued }),
  });
}
