import type { ApiKeyView } from '../../apikeys/api-key-view.js';
import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import type { Authenticate } from '../authenticate.js';
import { json, noContent } from '../respond.js';

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

const USER_CREDENTIALS = { via: ['bearer', 'cookie', 'session'] } as const;

/** `POST /api-keys {name, scopes, expires_in?}` → 201 with the key, shown this once. */
export async function createApiKey(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request, USER_CREDENTIALS);
  const body = readRequestJson(request);
  const expiresIn = body['expires_in'];
  if (expiresIn !== undefined && expiresIn !== null && typeof expiresIn !== 'number') {
    throw new AuthError('invalid_request', '"expires_in" must be a number of seconds');
  }
  if (!Array.isArray(body['scopes']))
    throw new AuthError('invalid_request', '"scopes" must be an array of strings');
  const created = await parts.apiKeys.create({
    ownerId: principal.subject,
    name: body['name'] as string,
    scopes: body['scopes'] as string[],
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
  const id = routeId(request);
  await parts.apiKeys.revoke(principal.subject, id);
  parts.emit({ type: 'api_key.revoked', subject: principal.subject, keyId: id });
  return noContent();
}
