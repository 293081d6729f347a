import type { AuthUser } from './user-directory.js';

/** A user as the account routes answer it: `{id, email, role, email_verified}`. */
export function userBody(user: AuthUser) {
  return { id: user.id, email: user.email, role: user.role, email_verified: user.emailVerified };
}
