import { AuthError, isAuthError } from '../../errors/auth-error.js';
import { errorResponse } from '../../http/error-response.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { OAuthLogin } from '../../oauth/oauth-login.js';
import type { AuthParts } from '../auth-parts.js';
import { normaliseEmail } from '../email.js';
import { issueLoginTokens } from '../issue-login-tokens.js';
import type { AuthUser } from '../user-directory.js';

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

/**
 * The account a verified e-mail signs into: the existing one with that e-mail (linking), or a new one
 * without a password, its role from `roleFor` like a registration's.
 */
async function accountFor(parts: AuthParts, email: string): Promise<AuthUser> {
  const existing = await parts.users.findByEmail(email);
  if (existing !== null) return existing;
  const created = await parts.users.create({ email, passwordHash: null, role: parts.roleFor(email) });
  if (created !== null) {
    parts.emit({ type: 'user.registered', subject: created.id });
    return created;
  }
  // Created concurrently (another tab finished first): the unique e-mail now names it.
  const raced = await parts.users.findByEmail(email);
  if (raced === null)
    throw new AuthError('invalid_request', 'Sign-in with the provider failed', { reason: 'account_race' });
  return raced;
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
 * password login, for the account of the verified e-mail. Every refusal is 400 `invalid_request`, sets no
 * token cookie and creates no account; the state cookie is deleted either way.
 */
export async function oauthCallback(
  parts: AuthParts,
  flow: OAuthFlow,
  request: AuthRequest,
): Promise<AuthResponse> {
  const provider = providerOf(flow, request);
  const clearState = flow.login.clearCookie(provider);
  let email: string;
  try {
    const identity = await flow.login.finish(provider, request);
    email = normaliseEmail(identity.email);
  } catch (error) {
    if (!isAuthError(error)) throw error;
    if (error.code === 'invalid_request')
      parts.emit({ type: 'oauth.refused', provider, reason: error.reason ?? 'invalid_email' });
    return { ...errorResponse(error), cookies: [clearState] };
  }
  const user = await accountFor(parts, email);
  parts.emit({ type: 'login.succeeded', subject: user.id, method: 'oauth' });
  const issued = await issueLoginTokens(parts, user, 'oauth');
  return redirect(flow.redirectTo, [...issued.cookies, clearState]);
}
