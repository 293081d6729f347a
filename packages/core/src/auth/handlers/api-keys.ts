import { checkScopes } from '../../apikeys/api-key-input.js';
import type { ApiKeyView } from '../../apikeys/api-key-view.js';
import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import { INSUFFICIENT_PRIVILEGES } from '../../policy/create-policy.js';
import type { AuthParts } from '../auth-parts.js';
import { type AuthContext, type Authenticate, signedInUser, USER_CREDENTIALS } from '../authenticate.js';
import { json, noContent } from '../respond.js';
import { enforceRecentAuthentication } from '../step-up.js';

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** The contract's JSON for a key: snake_case, ISO 8601 dates, never the hash. */
function keyBody(view: ApiKeyView, key?: string) {
  return {
    id: view.id,
    ...(key === undefined ? {} : { key }),
    prefix: view.prefix,
    name: view.name,
    scopes: [...view.scopes],
    created_at: iso(view.createdAt),
    expires_at: iso(view.expiresAt),
    last_used_at: iso(view.lastUsedAt),
    revoked_at: iso(view.revokedAt),
  };
}

function routeId(request: AuthRequest): string {
  const id = request.params?.['id'];
  if (typeof id !== 'string' || id.length === 0) throw new AuthError('not_found', 'API key not found');
  return id;
}

/**
 * Refuses, with 403 `insufficient_scope`, a key whose scopes the caller's role does not grant as policy
 * permissions. The role is read from the users table, not from the token: a user demoted since the token
 * was issued cannot mint a key with what they had.
 */
async function assertRoleGrants(parts: AuthParts, principal: AuthContext, scopes: readonly string[]) {
  const user = await signedInUser(parts, principal.subject);
  const { permissions } = parts.policy.grants({ ...principal, roles: [user.role] });
  if (!scopes.every((scope) => permissions.has(scope)))
    throw new AuthError('insufficient_scope', INSUFFICIENT_PRIVILEGES, {
      challenge: 'Bearer',
      reason: 'scope_not_granted',
    });
}

/**
 * `POST /api-keys {name, scopes, expires_in?}` → 201 with the key, shown this once; 400 for a scope outside
 * `apiKeys.scopes`, 403 `insufficient_scope` for one the caller's role does not grant.
 */
export async function createApiKey(
  parts: AuthParts,
  allowedScopes: ReadonlySet<string>,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request, USER_CREDENTIALS);
  const body = readRequestJson(request);
  const expiresIn = body['expires_in'];
  if (expiresIn !== undefined && expiresIn !== null && typeof expiresIn !== 'number') {
    throw new AuthError('invalid_request', '"expires_in" must be a number of seconds');
  }
  // Unknown scopes first (400), then scopes this user's role does not grant (403).
  const scopes = checkScopes(body['scopes'], allowedScopes);
  await assertRoleGrants(parts, principal, scopes);
  const created = await parts.apiKeys.create({
    ownerId: principal.subject,
    name: body['name'] as string,
    scopes,
    expiresIn: expiresIn as number | null | undefined,
  });
  parts.emit({ type: 'api_key.created', subject: principal.subject, keyId: created.apiKey.id });
  return json(201, keyBody(created.apiKey, created.key));
}

/** `GET /api-keys` → 200, the caller's keys (never a secret). */
export async function listApiKeys(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request, USER_CREDENTIALS);
  const keys = await parts.apiKeys.list(principal.subject);
  return json(
    200,
    keys.map((view) => keyBody(view)),
  );
}

/** `POST /api-keys/:id/roll {grace_seconds?}` → 201 the new key; the old one works for the grace period. */
export async function rollApiKey(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request, USER_CREDENTIALS);
  const body = readRequestJson(request);
  const grace = body['grace_seconds'];
  if (grace !== undefined && typeof grace !== 'number')
    throw new AuthError('invalid_request', '"grace_seconds" must be a number');
  // A replacement carries the old key's scopes: the role must still grant them. Another user's key is 404.
  const current = (await parts.apiKeys.list(principal.subject)).find((key) => key.id === routeId(request));
  if (current !== undefined) await assertRoleGrants(parts, principal, current.scopes);
  const rolled = await parts.apiKeys.roll(
    principal.subject,
    routeId(request),
    grace === undefined ? {} : { graceSeconds: grace },
  );
  parts.emit({ type: 'api_key.rolled', subject: principal.subject, keyId: rolled.apiKey.id });
  return json(201, keyBody(rolled.apiKey, rolled.key));
}

/** `DELETE /api-keys/:id` → 204; the key stops working at once. */
export async function revokeApiKey(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request, USER_CREDENTIALS);
  enforceRecentAuthentication(parts, principal, 'api_key.delete');
  const id = routeId(request);
  await parts.apiKeys.revoke(principal.subject, id);
  parts.emit({ type: 'api_key.revoked', subject: principal.subject, keyId: id });
  return noContent();
}
