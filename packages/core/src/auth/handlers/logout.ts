import { isAuthError } from '../../errors/auth-error.js';
import { extractBearerToken } from '../../http/bearer.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AccessTokenPrincipal } from '../../tokens/principal.js';
import type { AuthParts } from '../auth-parts.js';
import { noContent } from '../respond.js';

async function endFamily(parts: AuthParts, familyId: string) {
  await parts.refreshTokens.revokeFamily(familyId);
  await parts.revocations.revokeSession(familyId);
}

/**
 * `POST /auth/logout` with a bearer token or the token cookies → 204, cookies cleared. Revokes the refresh
 * family and the presented access token (an access token names its family in `sid`, so a bearer alone ends
 * both). By cookie, the CSRF origin check runs first. Logging out without credentials is a no-op 204.
 */
export async function logout(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const bearer = extractBearerToken(request.headers);
  let subject: string | undefined;
  if (bearer !== null) {
    const principal = await parts.verifier.verify(bearer);
    await parts.revocations.revokeToken(principal);
    if (principal.sessionId !== undefined) await endFamily(parts, principal.sessionId);
    subject = principal.subject;
  } else {
    const cookies = parts.cookies.read(request.headers);
    if (cookies.refresh !== undefined || cookies.access !== undefined) {
      parts.csrf.check(request, { authenticatedBy: 'cookie' });
      if (cookies.refresh !== undefined) {
        const family = await parts.refreshTokens.familyOf(cookies.refresh);
        if (family !== null) {
          await endFamily(parts, family.id);
          subject = family.subject;
        }
      }
      if (cookies.access !== undefined) {
        const principal = await parts.verifier
          .verify(cookies.access)
          .catch((error: unknown): AccessTokenPrincipal | undefined => {
            if (isAuthError(error) && error.code === 'invalid_token') return undefined; // already useless
            throw error;
          });
        if (principal !== undefined) {
          await parts.revocations.revokeToken(principal);
          if (principal.sessionId !== undefined) await endFamily(parts, principal.sessionId);
          subject ??= principal.subject;
        }
      }
    }
  }
  parts.emit({ type: 'logout', subject });
  return noContent([parts.cookies.clear('access'), parts.cookies.clear('refresh')]);
}
