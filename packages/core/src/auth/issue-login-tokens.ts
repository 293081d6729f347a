import type { AuthResponse } from '../http/types.js';
import { type AuthenticationFacts, authenticationClaims } from '../mfa/authentication-method.js';
import type { AuthParts } from './auth-parts.js';
import { tokenResponse } from './token-response.js';
import type { AuthUser } from './user-directory.js';

/**
 * Starts a refresh family for `user` and answers like `/auth/login`: the access token in the body, both
 * token cookies set. The family keeps how and when the user authenticated (`amr`, `acr`, `auth_time`), so
 * that every token refreshed from it carries the login's facts, never the refresh time. With `jkt` (the
 * login sent a DPoP proof) the family and the access token are bound to that key.
 */
export async function issueLoginTokens(
  parts: AuthParts,
  user: AuthUser,
  method: 'password' | 'oauth' | 'passkey',
  authentication: AuthenticationFacts,
  jkt: string | undefined,
): Promise<AuthResponse> {
  const refresh = await parts.refreshTokens.issue(user.id, {
    method,
    ...authenticationClaims(authentication),
    ...(jkt === undefined ? {} : { jkt }),
  });
  const access = await parts.accessTokens.issue({
    subject: user.id,
    roles: [user.role],
    sessionId: refresh.family.id,
    authentication,
    ...(jkt === undefined ? {} : { confirmation: { jkt } }),
  });
  return tokenResponse(parts, access, { refresh, bound: jkt !== undefined });
}
