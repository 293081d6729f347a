/** A user as portcullis needs to see one. The application owns the users table; this is its view of it. */
export interface AuthUser {
  id: string;
  /** Normalised: trimmed and lower-cased. */
  email: string;
  role: string;
  /** argon2id (or legacy bcrypt) hash; `null` for accounts that sign in only through OAuth. */
  passwordHash: string | null;
  /** Whether the owner of `email` proved it (a verification link, a reset link, or a provider's verified e-mail). */
  emailVerified: boolean;
}

/** A user to create. */
export interface NewUser {
  email: string;
  passwordHash: string | null;
  role: string;
  emailVerified: boolean;
}

/** The fields of a user that portcullis changes; only the given ones are written. */
export type UserPatch = Partial<Pick<AuthUser, 'passwordHash' | 'emailVerified' | 'role'>>;

/**
 * What the stored user must still hold for an `update` to apply: a compare-and-set, so that two flows
 * racing on one account cannot undo each other (a password change landing after an account takeover
 * removed the password, say).
 */
export type UserPrecondition = Partial<Pick<AuthUser, 'passwordHash' | 'emailVerified'>>;

/**
 * The application's users, as callbacks. Portcullis never stores users itself.
 *
 * Contract (run `runUserDirectorySuite` from `@portcullis/testkit` against an implementation):
 * - `create` is atomic on the e-mail (a unique index) and resolves `null` when the e-mail is already taken,
 *   so that two concurrent registrations cannot both succeed.
 * - `update` applies the patch only when the user exists and holds every field of `expected` (compared
 *   exactly, `null` included), in one atomic step (`UPDATE … WHERE id = $1 AND password_hash IS NOT
 *   DISTINCT FROM $2`); it resolves the updated user, or `null` when nothing was written.
 */
export interface UserDirectory {
  findByEmail(email: string): Promise<AuthUser | null>;
  findById(id: string): Promise<AuthUser | null>;
  create(input: NewUser): Promise<AuthUser | null>;
  update(id: string, patch: UserPatch, expected?: UserPrecondition): Promise<AuthUser | null>;
}

/** Whether `user` holds every field of `expected`: the check `UserDirectory.update` makes before writing. */
export function meetsPrecondition(user: AuthUser, expected: UserPrecondition = {}): boolean {
  return (
    (!('passwordHash' in expected) || user.passwordHash === expected.passwordHash) &&
    (!('emailVerified' in expected) || user.emailVerified === expected.emailVerified)
  );
}

/**
 * An in-memory `UserDirectory`, for tests and examples. E-mails are stored trimmed and lower-cased, as core
 * normalises the ones it looks up. Bounded: a full directory refuses new users.
 *
 * @example const users = createMemoryUserDirectory();
 */
export function createMemoryUserDirectory(
  options: { maxEntries?: number } = {},
): UserDirectory & { count(): number } {
  const maxEntries = options.maxEntries ?? 100_000;
  const byId = new Map<string, AuthUser>();
  const byEmail = new Map<string, AuthUser>();
  // Stored trimmed and lower-cased, as core looks e-mails up: a user created as "Alice@Example.com" logs in.
  const normalize = (email: string) => email.trim().toLowerCase();
  let next = 1;
  return {
    async findByEmail(email) {
      const user = byEmail.get(normalize(email));
      return user === undefined ? null : { ...user };
    },
    async findById(id) {
      const user = byId.get(id);
      return user === undefined ? null : { ...user };
    },
    async create(input) {
      const email = normalize(input.email);
      if (byEmail.has(email)) return null;
      if (byId.size >= maxEntries) throw new Error(`memory user directory is full (${maxEntries} users)`);
      const user: AuthUser = {
        id: String(next++),
        email,
        role: input.role,
        passwordHash: input.passwordHash,
        emailVerified: input.emailVerified,
      };
      byId.set(user.id, user);
      byEmail.set(user.email, user);
      return { ...user };
    },
    async update(id, patch, expected) {
      const user = byId.get(id);
      if (user === undefined || !meetsPrecondition(user, expected)) return null;
      if (patch.passwordHash !== undefined) user.passwordHash = patch.passwordHash;
      if (patch.emailVerified !== undefined) user.emailVerified = patch.emailVerified;
      if (patch.role !== undefined) user.role = patch.role;
      return { ...user };
    },
    count: () => byId.size,
  };
}
