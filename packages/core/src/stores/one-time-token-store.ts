/** What a one-time token is for. Each purpose is spent only by its own route. */
export type OneTimeTokenPurpose = 'verify_email' | 'reset_password';

/**
 * A one-time token sent by mail (e-mail verification, password reset). The token itself is never stored:
 * only its SHA-256 hash.
 */
export interface OneTimeTokenRecord {
  /** SHA-256 of the token, base64url: the lookup key. */
  hash: string;
  purpose: OneTimeTokenPurpose;
  /** The user the token acts for. */
  subject: string;
  /** The address the token was mailed to; a flow refuses the token once the account's address differs. */
  email: string;
  /** ms since the epoch. */
  createdAt: number;
  /** The token stops working at this time (ms). */
  expiresAt: number;
}

/**
 * Storage of one-time tokens.
 *
 * Contract for implementations:
 * - `issue` stores a token and, in the same atomic step, drops every earlier token of the same subject and
 *   purpose: only the newest mail's link works.
 * - `consume` is atomic: of N concurrent calls with one live token, on any number of instances, exactly one
 *   resolves the record and every other resolves `null`; so does every later call. A token of another
 *   purpose, or past its `expiresAt` at `now`, resolves `null` and is left as it is.
 * - After `expiresAt` a record may be dropped (networked stores set a TTL).
 * - A store that cannot answer must throw, never resolve a record it did not hold.
 */
export interface OneTimeTokenStore {
  issue(record: OneTimeTokenRecord): Promise<void>;
  consume(hash: string, purpose: OneTimeTokenPurpose, now: number): Promise<OneTimeTokenRecord | null>;
  /** Drops every outstanding token of a subject, of every purpose (after a reset, or an account takeover). */
  revokeSubject(subject: string): Promise<void>;
}
