import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import { checkPasswordLogin } from '../check-password-login.js';
import { noContent } from '../respond.js';

/** `POST /auth/session {email,password}` → 204 and a fresh `__Host-portcullis-sid`; a previous session of this browser ends. */
export async function sessionLogin(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const { user, deviceCookie } = await checkPasswordLogin(parts, request);
  const previous = parts.cookies.read(request.headers).session;
  // A new id at every login: a session id planted before login (fixation) never becomes authenticated.
  if (previous !== undefined) await parts.sessions.destroy(previous);
  const session = await parts.sessions.create(user.id, { roles: [user.role] });
  parts.emit({ type: 'login.succeeded', subject: user.id, method: 'session' });
  return noContent([parts.cookies.set('session', session.id), deviceCookie]);
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
