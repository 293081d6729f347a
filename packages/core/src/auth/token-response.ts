import type { AuthRequest, AuthResponse } from '../http/types.js';
import type { IssuedRefreshToken } from '../refresh/refresh-token-service.js';
import type { IssuedAccessToken } from '../tokens/issue-access-token.js';
import type { AuthParts } from './auth-parts.js';
import { json } from './respond.js';

/**
 * The answer of every route that issues tokens (login, second step, passkey, refresh, reauthenticate):
 * `{access_token, token_type, expires_in}`. Bearer tokens also go into their cookies, for browsers.
 * DPoP-bound tokens (`bound`) are for a client that holds the key: `token_type: "DPoP"`, the refresh token
 * in the body, and no token cookie — a cookie would hand a browser a token it cannot prove.
 */
export function tokenResponse(
  parts: AuthParts,
  access: IssuedAccessToken,
  options: { refresh?: IssuedRefreshToken; bound: boolean },
): AuthResponse {
  const { refresh, bound } = options;
  if (bound)
    return json(200, {
      access_token: access.token,
      token_type: 'DPoP',
      expires_in: access.expiresIn,
      ...(refresh === undefined ? {} : { refresh_token: refresh.token }),
    });
  const cookies = [parts.cookies.set('access', access.token, { maxAge: access.expiresIn })];
  if (refresh !== undefined)
    cookies.push(parts.cookies.set('refresh', refresh.token, { maxAge: refresh.expiresIn }));
  return json(
    200,
    { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn },
    cookies,
  );
}

/**
 * The key a token request asks its tokens to be bound to: the thumbprint of its `DPoP` proof's key, once
 * the proof checks out for this request (400 `invalid_dpop_proof` or `use_dpop_nonce` otherwise), or
 * `undefined` when it sends no proof. `jkt` demands that key (a bound refresh family's).
 */
export async function dpopKeyOf(
  parts: AuthParts,
  request: AuthRequest,
  jkt?: string,
): Promise<string | undefined> {
  if (jkt === undefined && !parts.dpop.hasProof(request)) return undefined;
  const proven = await parts.dpop.verify(request, { where: 'token', ...(jkt === undefined ? {} : { jkt }) });
  return proven.jkt;
}
