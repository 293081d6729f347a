/**
 * A sign-in identity: the account at an OAuth / OpenID provider, named by the provider's issuer and its
 * subject (`sub`), linked to one of the application's users. An e-mail address can be reassigned by its
 * provider; `(issuer, subject)` cannot, so it is what a returning user is found by.
 */
export interface IdentityRecord {
  /** The provider's issuer identifier (`iss`), e.g. `https://accounts.google.com`. */
  issuer: string;
  /** The provider's stable id of the account (`sub`). */
  subject: string;
  /** The application user it signs in as. */
  userId: string;
  /** The configured provider name (`google`, `oidc`…), for display. */
  provider: string;
  /** The verified e-mail the provider asserted when the identity was linked, for display. */
  email: string;
  /** ms since the epoch. */
  createdAt: number;
}

/**
 * Storage of sign-in identities.
 *
 * Contract for implementations: `(issuer, subject)` is unique. `link` is atomic on it: of N concurrent
 * calls for one pair exactly one resolves `true`; every other, and every later one while the pair is
 * linked, resolves `false` and changes nothing. A store that cannot answer must throw.
 */
export interface IdentityStore {
  find(issuer: string, subject: string): Promise<IdentityRecord | null>;
  link(record: IdentityRecord): Promise<boolean>;
  /** Every identity linked to a user, oldest first. */
  listByUser(userId: string): Promise<IdentityRecord[]>;
  /** Removes one link; resolves whether there was one. */
  unlink(issuer: string, subject: string): Promise<boolean>;
}
