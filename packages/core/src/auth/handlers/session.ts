import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import { checkPasswordLogin } from '../check-password-login.js';
import { completeLogin, requireSecondStepIfEnrolled } from '../complete-login.js';
import { noContent } from '../respond.js';

/**
 * `POST /auth/session {email,password}` → 204 and a fresh `__Host-portcullis-sid`; a previous session of this
 * browser ends. 401 `mfa_required` with an `mfa_token` instead when the account has a second factor.
 */
export async function sessionLogin(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const { user, email } = await checkPasswordLogin(parts, request);
  await requireSecondStepIfEnrolled(parts, user, { issue: 'session', amr: ['pwd'], email });
  parts.emit({ type: 'login.succeeded', subject: user.id, method: 'session' });
  return completeLogin(parts, request, user, { issue: 'session', amr: ['pwd'], email, method: 'password' });
}

/** `DELETE /auth/session` with the session cookie → 204, session destroyed. The CSRF origin check runs first. */
export async function sessionLogout(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const sessionId = parts.cookies.read(request.headers).session;
  if (sessionId !== undefined) {
    parts.csrf.check(request, { authenticatedBy: 'cookie' });
    await parts.sessions.destroy(sessionId);
  }
  return noContent([parts.cookies.clear('session')]);
}
