import { AuthError, isAuthError } from '../../errors/auth-error.js';
import { errorResponse } from '../../http/error-response.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import { authenticatedNow } from '../../mfa/authentication-method.js';
import type { OAuthIdentity, OAuthLogin } from '../../oauth/oauth-login.js';
import type { AccountFlow } from '../account-flow.js';
import type { AuthParts } from '../auth-parts.js';
import { startSecondStepIfEnrolled } from '../complete-login.js';
import { parseEmail } from '../email.js';
import { issueLoginTokens } from '../issue-login-tokens.js';
import type { AuthUser } from '../user-directory.js';
import { claimUnverifiedAccount } from '../verify-account.js';

/** The sign-in flow as the routes use it: the configured providers and where a signed-in browser goes. */
export interface OAuthFlow {
  readonly login: OAuthLogin;
  readonly redirectTo: string;
}

function redirect(location: string, cookies: string[]): AuthResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, cookies, body: undefined };
}

/** The `:provider` of the route, when it is a configured one; otherwise 404 `not_found`. */
function providerOf(flow: OAuthFlow, request: AuthRequest): string {
  const name = request.params?.['provider'];
  if (typeof name !== 'string' || !flow.login.has(name))
    throw new AuthError('not_found', 'Unknown sign-in provider');
  return name;
}

function signInFailed(reason: string): AuthError {
  return new AuthError('invalid_request', 'Sign-in with the provider failed', { reason });
}

/** Records `(issuer, subject)` → user; when another callback linked the pair first, that link wins. */
async function linkIdentity(
  parts: AuthParts,
  flow: AccountFlow,
  identity: OAuthIdentity,
  email: string,
  user: AuthUser,
): Promise<AuthUser> {
  const linked = await flow.identities.link({
    issuer: identity.issuer,
    subject: identity.subject,
    userId: user.id,
    provider: identity.provider,
    email,
    createdAt: parts.clock(),
  });
  if (linked) {
    parts.emit({ type: 'identity.linked', subject: user.id, provider: identity.provider });
    return user;
  }
  const winner = await flow.identities.find(identity.issuer, identity.subject);
  const account = winner === null ? null : await parts.users.findById(winner.userId);
  if (account === null) throw signInFailed('identity_race');
  return account;
}

/**
 * The account a provider's identity signs into, in this order:
 * 1. the user already linked to `(issuer, subject)` — whatever e-mail the provider reports today;
 * 2. a *verified* account with the provider's verified e-mail, which gets the identity linked — unless it
 *    is linked to another subject of the same issuer already (the address changed hands there: refused);
 * 3. an *unverified* password account with that e-mail, which the provider's user takes over: whoever
 *    registered it proved nothing, so its password and everything issued to it end (`claimUnverifiedAccount`);
 * 4. a new account, verified, its role from `roleFor`.
 */
async function accountFor(
  parts: AuthParts,
  flow: AccountFlow,
  identity: OAuthIdentity,
  email: string,
): Promise<AuthUser> {
  const known = await flow.identities.find(identity.issuer, identity.subject);
  if (known !== null) {
    const user = await parts.users.findById(known.userId);
    if (user !== null) return user;
    // The application deleted the user: the identity signs in afresh (by e-mail, below).
    await flow.identities.unlink(identity.issuer, identity.subject);
  }
  const existing = await parts.users.findByEmail(email);
  if (existing !== null) {
    if (existing.emailVerified) {
      // Already linked to another account at this issuer: the address has changed hands there (a lapsed or
      // reassigned mailbox). Its new holder is someone else, and must not inherit the account.
      const links = await flow.identities.listByUser(existing.id);
      if (links.some((link) => link.issuer === identity.issuer)) throw signInFailed('email_reassigned');
      return linkIdentity(parts, flow, identity, email, existing);
    }
    const claimed = await claimUnverifiedAccount(parts, flow, existing, { passwordHash: null });
    if (claimed === null) throw signInFailed('account_changed');
    parts.emit({ type: 'account.taken_over', subject: claimed.id, provider: identity.provider });
    return linkIdentity(parts, flow, identity, email, claimed);
  }
  const created = await parts.users.create({
    email,
    passwordHash: null,
    role: parts.roleFor(email),
    emailVerified: true,
  });
  if (created === null) throw signInFailed('account_race'); // registered by another request meanwhile
  parts.emit({ type: 'user.registered', subject: created.id });
  return linkIdentity(parts, flow, identity, email, created);
}

/** `GET /auth/oauth/:provider/start` → 302 to the provider's authorization endpoint, the state cookie set. */
export async function oauthStart(
  parts: AuthParts,
  flow: OAuthFlow,
  request: AuthRequest,
): Promise<AuthResponse> {
  const provider = providerOf(flow, request);
  try {
    const { location, cookie } = await flow.login.start(provider);
    return redirect(location, [cookie]);
  } catch (error) {
    // The provider could not be discovered: say so in the audit log, answer 400 (the contract's rule).
    if (isAuthError(error) && error.code === 'invalid_request')
      parts.emit({ type: 'oauth.refused', provider, reason: error.reason ?? 'start_failed' });
    throw error;
  }
}

/**
 * `GET /auth/oauth/:provider/callback` → 302 to `redirectTo` with both token cookies, issued as by
 * password login, for the account of the provider's identity (see `accountFor`). Every refusal is 400 `invalid_request`, sets no
 * token cookie and creates no account; the state cookie is deleted either way.
 */
export async function oauthCallback(
  parts: AuthParts,
  flow: OAuthFlow,
  accounts: AccountFlow,
  request: AuthRequest,
): Promise<AuthResponse> {
  const provider = providerOf(flow, request);
  const clearState = flow.login.clearCookie(provider);
  let identity: OAuthIdentity;
  let email: string;
  try {
    identity = await flow.login.finish(provider, request);
    email = parseEmail(identity.email);
  } catch (error) {
    if (!isAuthError(error)) throw error;
    if (error.code === 'invalid_request')
      parts.emit({ type: 'oauth.refused', provider, reason: error.reason ?? 'invalid_email' });
    return { ...errorResponse(error), cookies: [clearState] };
  }
  let user: AuthUser;
  try {
    user = await accountFor(parts, accounts, identity, email);
  } catch (error) {
    if (!isAuthError(error) || error.code !== 'invalid_request') throw error;
    parts.emit({ type: 'oauth.refused', provider, reason: error.reason ?? 'account' });
    return { ...errorResponse(error), cookies: [clearState] };
  }
  // An account with a second factor finishes on the app's page: the mfa_token travels in the fragment,
  // which never reaches a server log or a Referer, and no token cookie is set before the second step.
  const pending = await startSecondStepIfEnrolled(parts, user, { email, issue: 'tokens', amr: ['fed'] });
  if (pending !== undefined) return redirect(`${flow.redirectTo}#mfa_token=${pending.token}`, [clearState]);
  parts.emit({ type: 'login.succeeded', subject: user.id, method: 'oauth' });
  // A browser redirect: cookies, never a DPoP binding.
  const issued = await issueLoginTokens(
    parts,
    user,
    'oauth',
    authenticatedNow(['fed'], parts.clock()),
    undefined,
  );
  return redirect(flow.redirectTo, [...issued.cookies, clearState]);
}
