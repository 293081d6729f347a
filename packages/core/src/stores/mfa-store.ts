/**
 * A user's second factors as stored: one document per user (TOTP secret sealed, recovery codes hashed,
 * passkeys' public keys and sign counts), changed only by compare-and-set on `version`, so that spending a
 * recovery code, moving a TOTP code's last used step or a passkey's sign count is atomic across instances.
 */
export interface MfaFactorsRecord {
  userId: string;
  /** 1 for the first save, one more at every save after it. */
  version: number;
  /** The factors, as JSON text in portcullis's own format. Stores keep it as it is (PostgreSQL: `jsonb`). */
  data: string;
  /** ms since the epoch, of the last save. */
  updatedAt: number;
}

/**
 * Storage of second factors, and of the short-lived single-use values of their ceremonies (the `mfa_token`
 * of a login waiting for its second step, WebAuthn challenges), both keyed by hashes only.
 *
 * Contract for implementations (checked by `runStoreSuite` in `@portcullis/testkit`):
 * - `saveFactors` is a compare-and-set: it stores `data` as version `expectedVersion + 1` only when the
 *   stored version is `expectedVersion` (`0`: nothing stored yet), and resolves whether it did. Of N
 *   concurrent calls with the same `expectedVersion`, on any number of instances, exactly one resolves `true`.
 * - `takeChallenge` is atomic: of N concurrent calls for one live key exactly one resolves the value, every
 *   other (and every later one) `null`. A value past its `expiresAt` at `now` resolves `null`, from `peek` too.
 * - After `expiresAt` a challenge may be dropped (networked stores set a TTL).
 * - A store that cannot answer must throw, never resolve a value it did not hold.
 */
export interface MfaStore {
  getFactors(userId: string): Promise<MfaFactorsRecord | null>;
  saveFactors(userId: string, data: string, expectedVersion: number, now: number): Promise<boolean>;
  /** Drops every factor of a user (the account is gone, or an operator resets its second factors). */
  deleteFactors(userId: string): Promise<void>;
  /** Stores a single-use value under `key` until `expiresAt` (ms), replacing any value there. */
  putChallenge(key: string, value: string, expiresAt: number): Promise<void>;
  /** The value under `key` when live at `now`, without spending it. */
  peekChallenge(key: string, now: number): Promise<string | null>;
  /** Spends the value under `key`: resolves it when live at `now`, and it is gone for every later call. */
  takeChallenge(key: string, now: number): Promise<string | null>;
}
