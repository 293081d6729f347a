import { AuthError, isAuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import { authenticationFactsFrom } from '../../mfa/authentication-method.js';
import { revokedFamilyOf } from '../../refresh/refresh-token-service.js';
import type { AuthParts } from '../auth-parts.js';
import { dpopKeyOf, tokenResponse } from '../token-response.js';
import { withClearedCookies } from '../with-cleared-cookies.js';

/**
 * `POST /auth/refresh` with the refresh cookie or `{refresh_token}` → 200 like login, the refresh token
 * rotated. A spent token revokes its family and every access token issued from it. By cookie, the CSRF
 * origin check runs first, so a refused request spends nothing. A family bound to a DPoP key needs a proof
 * signed by it (400 `invalid_dpop_proof` otherwise, the token unspent) and answers bound tokens.
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

  // A bound family (its login sent a DPoP proof) refreshes only with a proof of the same key, checked before
  // the token is spent; an unbound one never becomes bound half-way (RFC 9449 §5).
  const family = await parts.refreshTokens.familyOf(token);
  const boundTo = typeof family?.data['jkt'] === 'string' ? family.data['jkt'] : undefined;
  if (boundTo === undefined && parts.dpop.hasProof(request))
    throw parts.dpop.refuse('token', 'refresh_family_not_bound');
  const dpopKey = boundTo === undefined ? undefined : await dpopKeyOf(parts, request, boundTo);

  let rotated: Awaited<ReturnType<typeof parts.refreshTokens.rotate>>;
  try {
    rotated = await parts.refreshTokens.rotate(token);
  } catch (error) {
    const revoked = isAuthError(error) ? revokedFamilyOf(error) : undefined;
    if (revoked !== undefined) {
      await parts.revocations.revokeSession(revoked.id);
      parts.emit({ type: 'refresh.reuse_detected', subject: revoked.subject, familyId: revoked.id });
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
    ...(dpopKey === undefined ? {} : { confirmation: { jkt: dpopKey } }),
  });
  return tokenResponse(parts, access, { refresh: rotated, bound: dpopKey !== undefined });
}
