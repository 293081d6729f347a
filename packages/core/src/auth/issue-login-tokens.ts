import type { AuthResponse } from '../http/types.js';
import type { AuthParts } from './auth-parts.js';
import { json } from './respond.js';
import type { AuthUser } from './user-directory.js';

/**
 * Starts a refresh family for `user` and answers like `/auth/login`: the access token in the body, both
 * token cookies set. Used by password login and the OAuth callback alike.
 */
export async function issueLoginTokens(
  parts: AuthParts,
  user: AuthUser,
  method: 'password' | 'oauth',
): Promise<AuthResponse> {
  const refresh = await parts.refreshTokens.issue(user.id, { method });
  const access = await parts.accessTokens.issue({
    subject: user.id,
    roles: [user.role],
    sessionId: refresh.family.id,
  });
  return json(200, { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn }, [
    parts.cookies.set('access', access.token, { maxAge: access.expiresIn }),
    parts.cookies.set('refresh', refresh.token, { maxAge: refresh.expiresIn }),
  ]);
}
