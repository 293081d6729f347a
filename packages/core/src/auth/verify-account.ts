import type { AccountFlow } from './account-flow.js';
import type { AuthParts } from './auth-parts.js';
import { endEverySession, revokeEveryApiKey } from './end-sessions.js';
import { invalidLink } from './one-time-tokens.js';
import type { AuthUser, UserPatch } from './user-directory.js';

/**
 * Marks a user's e-mail verified and gives the account its role from `roleFor`: the only moment that role
 * is granted, so that an address's privileges go to whoever proved they own it. A user already verified is
 * returned as it is (a role changed since by the application stays).
 */
export async function markEmailVerified(parts: AuthParts, user: AuthUser): Promise<AuthUser> {
  if (user.emailVerified) return user;
  const verified = await parts.users.update(
    user.id,
    { emailVerified: true, role: parts.roleFor(user.email) },
    { emailVerified: false },
  );
  // `null`: verified meanwhile by another request; read what that one wrote.
  const current = verified ?? (await parts.users.findById(user.id));
  if (current === null) throw invalidLink('user_gone');
  if (verified !== null) parts.emit({ type: 'user.verified', subject: user.id });
  return current;
}

/**
 * Hands an unverified account to the person who just proved they own its address (through a provider's
 * verified e-mail, or a reset link), applying `patch` (a new password, or none) in one compare-and-set on
 * the state that was read. Whoever registered the address before them proved nothing, so everything they
 * could have left behind is ended: every session, refresh family and access token, every API key, every
 * outstanding mailed link. The account is then verified and gets its role — never before.
 *
 * Resolves `null` when the account changed meanwhile (the caller refuses the request).
 */
export async function claimUnverifiedAccount(
  parts: AuthParts,
  flow: AccountFlow,
  user: AuthUser,
  patch: UserPatch,
): Promise<AuthUser | null> {
  // The write comes first and is conditional on what was read: a password change by the previous holder
  // racing with this one either lands before (and is overwritten) or fails its own precondition.
  const claimed = await parts.users.update(
    user.id,
    { ...patch, emailVerified: true, role: parts.roleFor(user.email) },
    { emailVerified: false, passwordHash: user.passwordHash },
  );
  if (claimed === null) return null;
  await endEverySession(parts, user.id);
  await revokeEveryApiKey(parts, user.id);
  await flow.tokens.revokeSubject(user.id);
  parts.emit({ type: 'user.verified', subject: user.id });
  return claimed;
}
