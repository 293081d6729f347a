import { isAuthError } from '../errors/auth-error.js';
import { isBcryptFamily, isWrappableBcryptHash } from './bcrypt-hash.js';
import type { PasswordHasher } from './password-hasher.js';

/** A user as the migration reads it: its id and stored hash (`null` for an account without a password). */
export interface StoredPasswordHash {
  readonly id: string;
  readonly passwordHash: string | null;
}

/**
 * Where the migration writes: `UserDirectory.update` fits, or a callback of the same shape. It must write
 * only while the stored hash is still `expected.passwordHash` (a compare-and-set), and resolve `null` when
 * nothing was written — a login that upgraded the hash meanwhile wins.
 */
export interface PasswordHashWriter {
  update(
    id: string,
    patch: { passwordHash: string },
    expected: { passwordHash: string },
  ): Promise<object | null>;
}

export interface LegacyHashMigrationOptions {
  /** The hasher the application verifies with: its argon2id parameters wrap the hashes. */
  passwords: Pick<PasswordHasher, 'wrapLegacyBcryptHash'>;
  /**
   * The users to look at, e.g. pages of `SELECT id, password_hash FROM users WHERE password_hash LIKE '$2%'`.
   * Any others are passed over, so the whole table will do too.
   */
  users: AsyncIterable<StoredPasswordHash> | Iterable<StoredPasswordHash>;
  directory: PasswordHashWriter;
  /** Called for each bcrypt hash that cannot be wrapped (malformed, `$2x$`): such accounts need a reset. */
  onRefused?: (id: string) => void;
}

export interface LegacyHashMigrationReport {
  /** bcrypt hashes replaced by their wrapped form. */
  readonly wrapped: number;
  /** Users whose hash is not bcrypt (argon2id, already wrapped, none): left as they are. */
  readonly passedOver: number;
  /** bcrypt hashes that cannot be wrapped, left as they are (see `onRefused`). */
  readonly refused: number;
  /** bcrypt hashes changed between reading and writing (a login upgraded them): left to that change. */
  readonly changedMeanwhile: number;
}

/** How often one user is retried while the hasher's queue is full (its `Retry-After` apart). */
const BUSY_RETRIES = 10;

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function wrapWhenFree(passwords: LegacyHashMigrationOptions['passwords'], hash: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await passwords.wrapLegacyBcryptHash(hash);
    } catch (error) {
      // The migration gives way to logins: a full queue means waiting, not failing, a few times over.
      if (!isAuthError(error) || error.code !== 'temporarily_unavailable' || attempt >= BUSY_RETRIES)
        throw error;
      await sleep(error.retryAfter ?? 1);
    }
  }
}

/**
 * Wraps every legacy bcrypt hash among `users` in argon2id (`passwords.wrapLegacyBcryptHash`), one user at a
 * time, writing each by compare-and-set, so that a stolen copy of the table holds no bare bcrypt hash and
 * no plaintext is needed. Idempotent: a second run finds only wrapped hashes and changes nothing. Verifying
 * the wrapped hashes needs `passwords.bcrypt` on; each login then replaces one with a plain argon2id hash.
 *
 * @example
 * const report = await migrateLegacyBcryptHashes({
 *   passwords: auth.passwords,
 *   users: db.iterate('SELECT id, password_hash AS "passwordHash" FROM users'),
 *   directory: users, // the app's UserDirectory
 * });
 */
export async function migrateLegacyBcryptHashes(
  options: LegacyHashMigrationOptions,
): Promise<LegacyHashMigrationReport> {
  const { passwords, users, directory, onRefused } = options;
  const report = { wrapped: 0, passedOver: 0, refused: 0, changedMeanwhile: 0 };
  for await (const user of users) {
    const stored = user.passwordHash;
    if (typeof stored !== 'string' || !isBcryptFamily(stored)) {
      report.passedOver++;
      continue;
    }
    if (!isWrappableBcryptHash(stored)) {
      report.refused++;
      onRefused?.(user.id);
      continue;
    }
    const wrapped = await wrapWhenFree(passwords, stored);
    const written = await directory.update(user.id, { passwordHash: wrapped }, { passwordHash: stored });
    if (written === null) report.changedMeanwhile++;
    else report.wrapped++;
  }
  return Object.freeze(report);
}
