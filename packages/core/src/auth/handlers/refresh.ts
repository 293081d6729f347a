import { AuthError, isAuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import { authenticationFactsFrom } from '../../mfa/authentication-method.js';
import { revokedFamilyOf } from '../../refresh/refresh-token-service.js';
import type { AuthParts } from '../auth-parts.js';
import { json } from '../respond.js';
import { withClearedCookies } from '../with-cleared-cookies.js';

/**
 * `POST /auth/refresh` with the refresh cookie or `{refresh_token}` → 200 like login, the refresh token
 * rotated. A spent token revokes its family and every access token issued from it. By cookie, the CSRF
 * origin check runs first, so a refused request spends nothing.
 */
export async function refresh(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const body = readRequestJson(request);
  let token: string;
  if (body['refresh_token'] !== undefined) {
    if (typeof body['refresh_token'] !== 'string')
      throw new AuthError('invalid_request', '"refresh_token" must be a string');
    token = body['refresh_token'];
  } else {
    const cookie = parts.cookies.read(request.headers).refresh;
    if (cookie === undefined)
      throw new AuthError('invalid_grant', 'No refresh token provided', { reason: 'missing' });
    parts.csrf.check(request, { authenticatedBy: 'cookie' });
    token = cookie;
  }

  let rotated: Awaited<ReturnType<typeof parts.refreshTokens.rotate>>;
  try {
    rotated = await parts.refreshTokens.rotate(token);
  } catch (error) {
    const family = isAuthError(error) ? revokedFamilyOf(error) : undefined;
    if (family !== undefined) {
      await parts.revocations.revokeSession(family.id);
      parts.emit({ type: 'refresh.reuse_detected', subject: family.subject, familyId: family.id });
    }
    // The browser's token is dead either way: clear both cookies with the refusal.
    throw withClearedCookies(parts, error);
  }
  const user = await parts.users.findById(rotated.family.subject);
  if (user === null) {
    await parts.refreshTokens.revokeFamily(rotated.family.id);
    throw new AuthError('invalid_grant', 'Invalid refresh token', { reason: 'user_gone' });
  }
  // Roles are read again, so a role change takes effect at the next refresh.
  const access = await parts.accessTokens.issue({
    subject: user.id,
    roles: [user.role],
    sessionId: rotated.family.id,
    // The login's facts: a refresh is not an authentication, so `auth_time` stays the login's.
    authentication: authenticationFactsFrom(rotated.family.data),
  });
  const cookies = [parts.cookies.set('access', access.token, { maxAge: access.expiresIn })];
  cookies.push(parts.cookies.set('refresh', rotated.token, { maxAge: rotated.expiresIn }));
  return json(
    200,
    { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn },
    cookies,
  );
}
