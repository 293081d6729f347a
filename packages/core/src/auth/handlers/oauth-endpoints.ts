import type { ClientRegistry, OAuthClient } from '../../clients/client-registry.js';
import { issueClientToken } from '../../clients/issue-client-token.js';
import { AuthError, isAuthError } from '../../errors/auth-error.js';
import { readRequestForm } from '../../http/form-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AccessTokenPrincipal } from '../../tokens/principal.js';
import type { AuthParts } from '../auth-parts.js';
import { json } from '../respond.js';
import { dpopKeyOf } from '../token-response.js';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token
// A refresh token: 32 random bytes, base64url (refresh-token-service.ts).
const REFRESH_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Form bodies of the three endpoints: every member a string, as `readRequestForm` returns them. */
type Form = Readonly<Record<string, string>>;

function requiredToken(form: Form): string {
  const token = form['token'];
  if (token === undefined || token.length === 0)
    throw new AuthError('invalid_request', '"token" must be a non-empty string');
  return token;
}

/** RFC 6749 §3.3: the requested scopes, all within the client's; none asked for means all of them. */
function grantedScopes(client: OAuthClient, requested: string | undefined): readonly string[] {
  const asked = (requested ?? '').split(' ').filter((scope) => scope.length > 0);
  if (asked.length === 0) return client.scopes;
  for (const scope of asked) {
    if (!SCOPE_TOKEN.test(scope) || !client.scopes.includes(scope))
      throw new AuthError('invalid_scope', 'The requested scope exceeds what the client may have', {
        reason: 'scope_not_allowed',
      });
  }
  return [...new Set(asked)];
}

/**
 * `POST /oauth/token` (form-encoded, client-authenticated): `grant_type=client_credentials` with an optional
 * `scope` → 200 `{access_token, token_type: "Bearer", expires_in, scope}` (RFC 6749 §4.4), no refresh token.
 */
export async function oauthToken(
  parts: AuthParts,
  clients: ClientRegistry,
  request: AuthRequest,
): Promise<AuthResponse> {
  const form = readRequestForm(request);
  const client = await clients.authenticate(request, form);
  const grant = form['grant_type'];
  if (grant === undefined || grant.length === 0)
    throw new AuthError('invalid_request', '"grant_type" is required');
  if (grant !== 'client_credentials')
    throw new AuthError('unsupported_grant_type', 'The grant type is not supported');
  if (!client.grants.has('client_credentials'))
    throw new AuthError('unauthorized_client', 'The client may not use this grant type');
  const scopes = grantedScopes(client, form['scope']);
  // A DPoP proof binds the token to the client's key (RFC 9449 §5); checked once the client is known.
  const dpopKey = await dpopKeyOf(parts, request);
  const response = await issueClientToken(
    parts,
    client,
    scopes,
    dpopKey === undefined ? undefined : { jkt: dpopKey },
  );
  parts.emit({ type: 'client.token_issued', clientId: client.id, scopes });
  return response;
}

/** The token's principal if it is one of this server's live access tokens; `undefined` otherwise. */
async function liveAccessToken(parts: AuthParts, token: string): Promise<AccessTokenPrincipal | undefined> {
  // Three base64url parts: anything else is no JWT, and not worth a verification.
  if (token.split('.').length !== 3) return undefined;
  try {
    // Signature, `typ`, issuer, audience, expiry and revocation (jti, sid, subject), as on every request.
    return await parts.verifier.verify(token);
  } catch (error) {
    // An unreachable store or key source is 503, never "inactive": a resource server must not cache that.
    if (isAuthError(error) && error.code === 'invalid_token') return undefined;
    throw error;
  }
}

/** RFC 7662 §2.2's members of an active access token, from its verified claims. */
function accessTokenInfo(principal: AccessTokenPrincipal): Record<string, unknown> {
  const claims = principal.claims;
  const info: Record<string, unknown> = { active: true };
  for (const name of ['scope', 'client_id', 'sub', 'exp', 'iat', 'iss', 'aud', 'jti', 'sid'] as const) {
    if (claims[name] !== undefined) info[name] = claims[name];
  }
  if (info['scope'] === undefined && principal.scopes.length > 0) info['scope'] = principal.scopes.join(' ');
  info['token_type'] = claims['cnf'] === undefined ? 'Bearer' : 'DPoP';
  if (claims['cnf'] !== undefined) info['cnf'] = claims['cnf'];
  return info;
}

/**
 * `POST /oauth/introspect` (RFC 7662; form `token`, optional `token_type_hint`; a client with the
 * `introspection` grant) → 200 with the token's facts when it is active, `{active: false}` and nothing else
 * for anything revoked, spent, expired, unknown, malformed or issued by someone else.
 */
export async function introspect(
  parts: AuthParts,
  clients: ClientRegistry,
  request: AuthRequest,
): Promise<AuthResponse> {
  const form = readRequestForm(request);
  const client = await clients.authenticate(request, form);
  if (!client.grants.has('introspection'))
    throw new AuthError('unauthorized_client', 'The client may not introspect tokens', { status: 403 });
  const token = requiredToken(form);
  // The hint only orders the look-ups (RFC 7662 §2.1): a wrong one still finds the token.
  if (REFRESH_SHAPE.test(token)) {
    const refresh = await parts.refreshTokens.inspect(token);
    if (refresh !== null)
      return json(200, {
        active: true,
        sub: refresh.family.subject,
        exp: Math.floor(refresh.expiresAt / 1000),
        token_type: 'refresh_token',
      });
    return json(200, { active: false });
  }
  const principal = await liveAccessToken(parts, token);
  return json(200, principal === undefined ? { active: false } : accessTokenInfo(principal));
}

/** 200 with an empty body: RFC 7009 §2.2's answer, whatever the token was. */
function revoked(): AuthResponse {
  return { status: 200, headers: { 'cache-control': 'no-store' }, cookies: [], body: undefined };
}

/**
 * `POST /oauth/revoke` (RFC 7009; form `token`, optional `token_type_hint`) → 200 with an empty body for
 * every token, known or not. A refresh token ends its whole family and the access tokens issued from it;
 * an access token is denied by its `jti`, and when it carries `sid` its login's refresh family ends too. A
 * client with the `revocation` grant may revoke any token; any other client only the access tokens issued
 * to it (`client_id`) — for other tokens it is answered 200 and nothing changes, so it learns nothing.
 */
export async function revoke(
  parts: AuthParts,
  clients: ClientRegistry,
  request: AuthRequest,
): Promise<AuthResponse> {
  const form = readRequestForm(request);
  const client = await clients.authenticate(request, form);
  const token = requiredToken(form);
  const mayRevokeAny = client.grants.has('revocation');
  if (REFRESH_SHAPE.test(token)) {
    if (!mayRevokeAny) return revoked();
    const family = await parts.refreshTokens.familyOf(token);
    if (family !== null) {
      await parts.refreshTokens.revokeFamily(family.id);
      await parts.revocations.revokeSession(family.id);
      parts.emit({
        type: 'token.revoked',
        clientId: client.id,
        tokenType: 'refresh_token',
        subject: family.subject,
        familyId: family.id,
      });
    }
    return revoked();
  }
  const principal = await liveAccessToken(parts, token);
  if (principal === undefined) return revoked();
  if (!mayRevokeAny && principal.claims['client_id'] !== client.id) return revoked();
  await parts.revocations.revokeToken(principal);
  if (principal.sessionId !== undefined) {
    await parts.refreshTokens.revokeFamily(principal.sessionId);
    await parts.revocations.revokeSession(principal.sessionId);
  }
  parts.emit({
    type: 'token.revoked',
    clientId: client.id,
    tokenType: 'access_token',
    subject: principal.subject,
    familyId: principal.sessionId,
  });
  return revoked();
}
