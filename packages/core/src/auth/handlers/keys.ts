import type { AuthRequest, AuthResponse } from '../../http/types.js';
import { requireRoles } from '../../policy/requirement.js';
import type { AuthParts } from '../auth-parts.js';
import type { Authenticate } from '../authenticate.js';
import { json } from '../respond.js';
import { enforceRecentAuthentication } from '../step-up.js';

const ADMIN = requireRoles('admin');

/** `POST /admin/keys/rotate` (role admin) → 200 `{kid}`; 409 `conflict` when keys come from configuration. */
export async function rotateKeys(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request);
  parts.policy.enforce(principal, ADMIN);
  enforceRecentAuthentication(parts, principal, 'keys.rotate');
  const key = await parts.keyring.rotate();
  parts.emit({ type: 'keys.rotated', kid: key.kid });
  return json(200, { kid: key.kid });
}

/** `GET /.well-known/jwks.json` → the public keys still verifying. Cacheable for five minutes. */
export async function jwks(parts: AuthParts): Promise<AuthResponse> {
  return json(200, parts.keyring.jwks(), [], { 'cache-control': 'public, max-age=300' });
}

/** `GET /healthz` → 200 `{"status":"ok"}`. */
export async function health(): Promise<AuthResponse> {
  return json(200, { status: 'ok' });
}
