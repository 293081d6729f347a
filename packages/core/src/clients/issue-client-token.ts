import type { AuthParts } from '../auth/auth-parts.js';
import { json } from '../auth/respond.js';
import type { AuthResponse } from '../http/types.js';
import type { OAuthClient } from './client-registry.js';

/** A proof-of-possession key the token is bound to (RFC 7800 `cnf`); `jkt` is RFC 9449's JWK thumbprint. */
export interface TokenConfirmation {
  readonly jkt: string;
}

/**
 * The one place a client's access token is built: `sub` and `client_id` are the client's id, `scope` the
 * granted scopes, no refresh token (RFC 6749 §4.4.3). The answer is `Cache-Control: no-store`.
 *
 * `confirmation` is where sender-constrained tokens plug in: the caller must already have checked the DPoP
 * proof (RFC 9449) whose key thumbprint it passes; the token then carries `cnf.jkt` and is answered as
 * `token_type: "DPoP"`. Without it, the token is a bearer token.
 *
 * @example return issueClientToken(parts, client, ['reports:read']);
 */
export async function issueClientToken(
  parts: AuthParts,
  client: OAuthClient,
  scopes: readonly string[],
  confirmation?: TokenConfirmation,
): Promise<AuthResponse> {
  const access = await parts.accessTokens.issue({
    subject: client.id,
    clientId: client.id,
    scopes,
    ...(confirmation === undefined ? {} : { confirmation }),
  });
  return json(200, {
    access_token: access.token,
    token_type: confirmation === undefined ? 'Bearer' : 'DPoP',
    expires_in: access.expiresIn,
    scope: scopes.join(' '),
  });
}
