/** A refresh-token family: every token descended by rotation from one login. */
export interface RefreshFamily {
  id: string;
  subject: string;
  /** ms since the epoch. */
  createdAt: number;
  /** Absolute end of the family (ms): no token of it works after this, however recently rotated. */
  expiresAt: number;
  /** When the family was revoked (logout, reuse detected), or `null`. */
  revokedAt: number | null;
  /** Application data carried from token to token (e.g. the authentication method). Never secret. */
  data: Record<string, unknown>;
}

/** One stored refresh token as `findToken` reports it. */
export interface RefreshTokenState {
  family: RefreshFamily;
  /** When this token stops working (ms), whatever its family's state. */
  expiresAt: number;
  /** When it was rotated (spent), or `null` while it is its family's live token. */
  spentAt: number | null;
}

/** Outcome of presenting a refresh token for rotation. */
export type RotateResult =
  /** The token was live: it is now spent, and `nextTokenHash` is the family's live token. */
  | { outcome: 'rotated'; family: RefreshFamily }
  /** The token had already been spent: the whole family is now revoked (RFC 9700 §4.14.2). */
  | { outcome: 'reused'; family: RefreshFamily }
  /** Unknown token, expired token, or a revoked or expired family. Nothing changed. */
  | { outcome: 'invalid' };

/**
 * Storage of refresh-token families. Tokens are stored only as hashes (`tokenHash`), never in clear.
 *
 * Contract for implementations (checked by `runStoreSuite` in `@portcullis/testkit`):
 * - `rotate` is atomic: of N concurrent calls with the same live `tokenHash`, exactly one returns `rotated`;
 *   the first of the others to run sees a spent token, returns `reused` and revokes the family; the rest
 *   find the family revoked (`invalid`). The family ends revoked.
 * - A token is accepted only while `now < tokenExpiresAt` and `now < family.expiresAt` and the family is not revoked.
 * - Records may be deleted once their family has expired.
 */
export interface RefreshTokenStore {
  /** Stores a new family and its first token. */
  createFamily(family: RefreshFamily, firstTokenHash: string, tokenExpiresAt: number): Promise<void>;
  /** Spends `tokenHash` and stores `nextTokenHash` (expiring at `nextExpiresAt`) in its family, atomically. */
  rotate(tokenHash: string, nextTokenHash: string, nextExpiresAt: number, now: number): Promise<RotateResult>;
  /** The family a token belongs to, without spending it (for logout by refresh token). `null` when unknown. */
  findFamilyByToken(tokenHash: string): Promise<RefreshFamily | null>;
  /**
   * One token's own state and its family, without spending it (for introspection, RFC 7662): `null` when
   * unknown. A spent token must be reported (`spentAt` set) for as long as `findFamilyByToken` finds it.
   * Optional, so that stores written before it keep working: without it, every refresh token introspects
   * as inactive.
   */
  findToken?(tokenHash: string): Promise<RefreshTokenState | null>;
  findFamily(familyId: string): Promise<RefreshFamily | null>;
  /** Revokes one family. Resolves `false` when it does not exist. */
  revokeFamily(familyId: string, now: number): Promise<boolean>;
  /** Revokes every family of `subject` ("log out everywhere"); resolves the ids it revoked. */
  revokeSubject(subject: string, now: number): Promise<string[]>;
}
