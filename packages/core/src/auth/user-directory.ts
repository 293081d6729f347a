/** A user as portcullis needs to see one. The application owns the users table; this is its view of it. */
export interface AuthUser {
  id: string;
  /** Normalised: trimmed and lower-cased. */
  email: string;
  role: string;
  /** argon2id (or legacy bcrypt) hash; `null` for accounts that sign in only through OAuth. */
  passwordHash: string | null;
}

/**
 * The application's users, as callbacks. Portcullis never stores users itself.
 *
 * Contract: `create` must be atomic on the e-mail (a unique index) and resolve `null` when the e-mail is
 * already taken, so that two concurrent registrations cannot both succeed.
 */
export interface UserDirectory {
  findByEmail(email: string): Promise<AuthUser | null>;
  findById(id: string): Promise<AuthUser | null>;
  create(input: { email: string; passwordHash: string | null; role: string }): Promise<AuthUser | null>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
}

/**
 * An in-memory `UserDirectory`, for tests and examples.
 *
 * @example const users = createMemoryUserDirectory();
 */
export function createMemoryUserDirectory(): UserDirectory & { count(): number } {
  const byId = new Map<string, AuthUser>();
  const byEmail = new Map<string, AuthUser>();
  let next = 1;
  return {
    async findByEmail(email) {
      const user = byEmail.get(email);
      return user === undefined ? null : { ...user };
    },
    async findById(id) {
      const user = byId.get(id);
      return user === undefined ? null : { ...user };
    },
    async create(input) {
      if (byEmail.has(input.email)) return null;
      const user = { id: String(next++), ...input };
      byId.set(user.id, user);
      byEmail.set(user.email, user);
      return { ...user };
    },
    async updatePasswordHash(id, passwordHash) {
      const user = byId.get(id);
      if (user !== undefined) user.passwordHash = passwordHash;
    },
    count: () => byId.size,
  };
}
