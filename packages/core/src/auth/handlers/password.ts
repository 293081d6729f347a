import { AuthError, isAuthError } from '../../errors/auth-error.js';
import { readRequestJson, stringField } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import {
  authenticatedNow,
  authenticationClaims,
  authenticationFactsFrom,
} from '../../mfa/authentication-method.js';
import { clientAddress } from '../../ratelimit/client-address.js';
import { emailForCounting } from '../../ratelimit/email-for-counting.js';
import type { AccountFlow } from '../account-flow.js';
import type { AuthParts } from '../auth-parts.js';
import { type AuthContext, type Authenticate, signedInUser, USER_CREDENTIALS } from '../authenticate.js';
import { boundKeyOf } from '../authenticate-dpop.js';
import { checkSignedInPassword } from '../check-password-login.js';
import { parseEmail } from '../email.js';
import { endEverySession, liveApiKeys } from '../end-sessions.js';
import { issueLoginTokens } from '../issue-login-tokens.js';
import { invalidLink } from '../one-time-tokens.js';
import { json, noContent } from '../respond.js';
import { sendBestEffort } from '../send-mail.js';
import { enforceRecentAuthentication } from '../step-up.js';
import type { AuthUser } from '../user-directory.js';
import { claimUnverifiedAccount } from '../verify-account.js';

/** Issues a reset token and mails its link. Runs after the response: it never throws. */
async function mailResetLink(parts: AuthParts, flow: AccountFlow, user: AuthUser): Promise<void> {
  await sendBestEffort(parts, 'reset_password', user.id, async () => {
    const issued = await flow.tokens.issue(user, 'reset_password');
    await flow.mail!.resetPassword(user, issued);
  });
}

/**
 * `POST /auth/password/forgot {email}` → 202 `{}`, whether or not the e-mail is known; a reset mail for a
 * known one. 429 past `accounts.forgotLimit` an hour per client address or per e-mail.
 *
 * An unknown and a known e-mail take the same path up to the answer — the same limits, the same lookup —
 * and the token and the mail for a known one are made after it: neither the body nor the time to answer
 * tells whether an account exists.
 */
export async function forgotPassword(
  parts: AuthParts,
  flow: AccountFlow,
  request: AuthRequest,
): Promise<AuthResponse> {
  const body = readRequestJson(request);
  const email = parseEmail(stringField(body, 'email', 320));
  await flow.forgotByAddress.consume(clientAddress(request.ip ?? '', 64));
  await flow.forgotByEmail.consume(emailForCounting(email));
  const user = await parts.users.findByEmail(email);
  if (user !== null) setTimeout(() => void mailResetLink(parts, flow, user), 0);
  return json(202, {});
}

/** Mails the password-changed notice, counting the API keys that still work. */
async function notifyPasswordChanged(
  parts: AuthParts,
  flow: AccountFlow,
  user: AuthUser,
  how: 'reset' | 'change',
) {
  const mail = flow.mail;
  if (mail === undefined) return;
  await sendBestEffort(parts, 'password_changed', user.id, async () => {
    const apiKeys = (await liveApiKeys(parts, user.id)).length;
    await mail.passwordChanged(user, { how, apiKeys, at: new Date(parts.clock()) });
  });
}

/**
 * `POST /auth/password/reset {token,password}` → 204: the password replaced, every refresh family, session
 * and access token of the account revoked, every outstanding link ended, a notice mailed. 400
 * `invalid_grant` for a spent, expired or unknown token; 400 `weak_password`, with the token left unspent.
 *
 * A reset link proves the address, so an unverified account becomes verified here — and, like an account
 * taken over through a provider, loses everything its previous holder could have left behind, API keys
 * included (`claimUnverifiedAccount`). A verified account keeps its API keys; the notice counts them.
 */
export async function resetPassword(
  parts: AuthParts,
  flow: AccountFlow,
  request: AuthRequest,
): Promise<AuthResponse> {
  const body = readRequestJson(request);
  const password = body['password'];
  if (typeof password !== 'string') throw new AuthError('invalid_request', '"password" must be a string');
  // The policy first, before the token is touched: a weak password must not spend the link.
  await parts.passwords.policy.check(password);
  const record = await flow.tokens.consume(body['token'], 'reset_password');
  if (record === null) throw invalidLink('unknown_token');
  const user = await parts.users.findById(record.subject);
  if (user === null || user.email !== record.email) throw invalidLink('email_changed');
  let passwordHash: string;
  try {
    // Checked again with the e-mail as context (zxcvbn's user inputs, when a minimum score is set).
    passwordHash = await parts.passwords.hash(password, { userInputs: [user.email] });
  } catch (error) {
    // A weak password, or a full hashing queue (503): the link is not used up by a reset that did not happen.
    if (isAuthError(error) && (error.code === 'weak_password' || error.code === 'temporarily_unavailable'))
      await flow.tokens.restore(record);
    throw error;
  }
  let updated: AuthUser | null;
  if (user.emailVerified) {
    updated = await parts.users.update(user.id, { passwordHash });
    await endEverySession(parts, user.id);
    await flow.tokens.revokeSubject(user.id);
  } else {
    updated = await claimUnverifiedAccount(parts, flow, user, { passwordHash });
  }
  if (updated === null) throw invalidLink('account_changed');
  parts.emit({ type: 'password.reset', subject: user.id });
  await notifyPasswordChanged(parts, flow, updated, 'reset');
  return noContent();
}

/**
 * `POST /auth/password/change {current_password,new_password}` (signed in; the CSRF rule applies to
 * cookies) → 200 like login, with fresh cookies (and a fresh session id for a session): every other
 * session, refresh family and access token of the account is revoked, every mailed link ended, and a notice
 * mailed. A wrong current
 * password is 401 `invalid_credentials` and counts as a failed login; 400 `weak_password`.
 */
export async function changePassword(
  parts: AuthParts,
  flow: AccountFlow,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal: AuthContext = await authenticate(request, USER_CREDENTIALS);
  enforceRecentAuthentication(parts, principal, 'password.change');
  const body = readRequestJson(request);
  const current = body['current_password'];
  const next = body['new_password'];
  if (typeof current !== 'string' || current.length === 0)
    throw new AuthError('invalid_request', '"current_password" must be a non-empty string');
  if (typeof next !== 'string') throw new AuthError('invalid_request', '"new_password" must be a string');
  const user = await signedInUser(parts, principal.subject);

  await checkSignedInPassword(parts, request, user, current, 'wrong_current_password');
  const passwordHash = await parts.passwords.hash(next, { userInputs: [user.email] });
  // Conditional on the hash just verified: a reset or a takeover that landed meanwhile wins.
  const updated = await parts.users.update(user.id, { passwordHash }, { passwordHash: user.passwordHash });
  if (updated === null)
    throw new AuthError('invalid_credentials', 'Invalid e-mail or password', {
      reason: 'password_changed_meanwhile',
    });
  await endEverySession(parts, user.id);
  // A reset link mailed before the change (perhaps at the request of whoever made the owner change it) dies.
  await flow.tokens.revokeSubject(user.id);
  parts.emit({ type: 'password.changed', subject: user.id });

  // The caller's own authentication (how and when) carries over: changing a password is not a new login.
  const authentication =
    authenticationFactsFrom(principal.claims) ?? authenticatedNow(['pwd'], parts.clock());
  // A DPoP client's new tokens stay bound to the key its request proved.
  const jkt = principal.method === 'dpop' ? boundKeyOf(principal) : undefined;
  const issued = await issueLoginTokens(parts, updated, 'password', authentication, jkt);
  if (principal.method === 'session') {
    const session = await parts.sessions.create(updated.id, {
      roles: [updated.role],
      ...authenticationClaims(authentication),
    });
    issued.cookies.push(parts.cookies.set('session', session.id));
  }
  await notifyPasswordChanged(parts, flow, updated, 'change');
  return issued;
}
