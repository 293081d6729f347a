import type { AuthResponse } from '../http/types.js';
import { type AuthenticationFacts, authenticationClaims } from '../mfa/authentication-method.js';
import type { AuthParts } from './auth-parts.js';
import { json } from './respond.js';
import type { AuthUser } from './user-directory.js';

/**
 * Starts a refresh family for `user` and answers like `/auth/login`: the access token in the body, both
 * token cookies set. The family keeps how and when the user authenticated (`amr`, `acr`, `auth_time`), so
 * that every token refreshed from it carries the login's facts, never the refresh time.
 */
export async function issueLoginTokens(
  parts: AuthParts,
  user: AuthUser,
  method: 'password' | 'oauth' | 'passkey',
  authentication: AuthenticationFacts,
): Promise<AuthResponse> {
  const refresh = await parts.refreshTokens.issue(user.id, {
    method,
    ...authenticationClaims(authentication),
  });
  const access = await parts.accessTokens.issue({
    subject: user.id,
    roles: [user.role],
    sessionId: refresh.family.id,
    authentication,
  });
  return json(200, { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn }, [
    parts.cookies.set('access', access.token, { maxAge: access.expiresIn }),
    parts.cookies.set('refresh', refresh.token, { maxAge: refresh.expiresIn }),
  ]);
}
