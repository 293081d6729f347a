import { AuthError } from '../errors/auth-error.js';
import type { AuthRequest, AuthResponse } from '../http/types.js';
import {
  type AuthenticationMethodReference,
  authenticatedNow,
  authenticationClaims,
} from '../mfa/authentication-method.js';
import type { AuthParts } from './auth-parts.js';
import { issueLoginTokens } from './issue-login-tokens.js';
import { noContent } from './respond.js';
import type { AuthUser } from './user-directory.js';

/** What a finished login issues: tokens (`/auth/login`) or a cookie session (`/auth/session`). */
export type LoginIssue = 'tokens' | 'session';

/**
 * The pending login (its single-use `mfa_token`) of an account that has a second factor, started now; or
 * `undefined` when it has none and the login may finish. Its caller answers: a 401 (`/auth/login`,
 * `/auth/session`) or a redirect (an OAuth callback).
 */
export async function startSecondStepIfEnrolled(
  parts: AuthParts,
  user: AuthUser,
  login: { issue: LoginIssue; amr: AuthenticationMethodReference[]; email: string },
): Promise<{ token: string; expiresIn: number; methods: readonly string[] } | undefined> {
  const methods = (await parts.mfa?.methodsOf(user.id)) ?? [];
  if (methods.length === 0) return undefined;
  const pending = await parts.mfa!.pendingLogins.start({ userId: user.id, ...login });
  return { token: pending.token, expiresIn: pending.expiresIn, methods };
}

/**
 * Stops a login whose first step passed when the account has a second factor: 401 `mfa_required` with a
 * single-use `mfa_token` for `POST /auth/mfa/verify`, and no token, session or device cookie. Nothing is
 * ever issued on the first step alone once a factor is enrolled.
 */
export async function requireSecondStepIfEnrolled(
  parts: AuthParts,
  user: AuthUser,
  login: { issue: LoginIssue; amr: AuthenticationMethodReference[]; email: string },
): Promise<void> {
  const pending = await startSecondStepIfEnrolled(parts, user, login);
  if (pending === undefined) return;
  throw new AuthError('mfa_required', 'A second factor is required to finish signing in', {
    reason: 'second_factor_enrolled',
    body: { mfa_token: pending.token, mfa_methods: pending.methods, expires_in: pending.expiresIn },
  });
}

/**
 * Finishes a login: tokens (200, both token cookies) or a fresh session (204, a new session id — the
 * previous session of this browser ends), carrying `amr`, `acr` and `auth_time` of now; and the device
 * cookie of the account's e-mail, which only a completed login earns.
 */
export async function completeLogin(
  parts: AuthParts,
  request: AuthRequest,
  user: AuthUser,
  login: {
    issue: LoginIssue;
    amr: readonly AuthenticationMethodReference[];
    email: string;
    method: 'password' | 'passkey' | 'oauth';
    /** The key of the request's DPoP proof, checked by the caller before anything was spent: binds the tokens. */
    dpopKey?: string | undefined;
  },
): Promise<AuthResponse> {
  const authentication = authenticatedNow(login.amr, parts.clock());
  const device = parts.cookies.set('device', parts.devices.issue(login.email));
  if (login.issue === 'tokens') {
    const response = await issueLoginTokens(parts, user, login.method, authentication, login.dpopKey);
    response.cookies.push(device);
    return response;
  }
  const previous = parts.cookies.read(request.headers).session;
  // A new id at every login: a session id planted before login (fixation) never becomes authenticated.
  if (previous !== undefined) await parts.sessions.destroy(previous);
  const session = await parts.sessions.create(user.id, {
    roles: [user.role],
    ...authenticationClaims(authentication),
  });
  return noContent([parts.cookies.set('session', session.id), device]);
}
