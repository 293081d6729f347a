import { invalidApiKeyRequest } from './api-key-errors.js';
import { API_KEY_ID_LENGTH } from './api-key-format.js';

const MAX_NAME_LENGTH = 100;
const MAX_SCOPES = 64;
const MAX_SCOPE_LENGTH = 128;
const MAX_OWNER_ID_LENGTH = 256;
// RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
const API_KEY_ID = new RegExp(`^[0-9A-Za-z]{${API_KEY_ID_LENGTH}}$`);

/** True for a string shaped like a key id; anything else cannot exist, so needs no lookup. */
export function isApiKeyId(id: unknown): id is string {
  return typeof id === 'string' && API_KEY_ID.test(id);
}

/** True for a syntactically valid scope token, as `allowedScopes` entries must be. */
export function isScopeToken(scope: unknown): scope is string {
  return typeof scope === 'string' && scope.length <= MAX_SCOPE_LENGTH && SCOPE_TOKEN.test(scope);
}

export function checkOwnerId(ownerId: unknown): string {
  if (typeof ownerId !== 'string' || ownerId.length === 0 || ownerId.length > MAX_OWNER_ID_LENGTH) {
    throw invalidApiKeyRequest('ownerId must be a non-empty string');
  }
  return ownerId;
}

/** The trimmed name: 1 to 100 characters, no control characters (names end up in UIs and logs). */
export function checkName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH || CONTROL.test(trimmed)) {
    throw invalidApiKeyRequest(`name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

/** The scopes, de-duplicated in their given order; each must be in `allowed` when it is given. */
export function checkScopes(scopes: unknown, allowed: ReadonlySet<string> | undefined): string[] {
  if (!Array.isArray(scopes) || scopes.length > MAX_SCOPES || !scopes.every(isScopeToken)) {
    throw invalidApiKeyRequest(`scopes must be an array of at most ${MAX_SCOPES} scope strings`);
  }
  if (allowed !== undefined && !scopes.every((scope) => allowed.has(scope))) {
    // The offending value is not echoed: the allowed list is what the caller needs.
    throw invalidApiKeyRequest(`scopes may only contain: ${[...allowed].join(', ')}`);
  }
  return [...new Set(scopes)];
}

/** A whole number of seconds in 1..max, or `null` (no expiry) for `undefined` / `null`. */
export function checkExpiresIn(expiresIn: unknown, maxSeconds: number): number | null {
  if (expiresIn === undefined || expiresIn === null) return null;
  if (!Number.isSafeInteger(expiresIn) || (expiresIn as number) < 1 || (expiresIn as number) > maxSeconds) {
    throw invalidApiKeyRequest(`expiresIn must be a whole number of seconds between 1 and ${maxSeconds}`);
  }
  return expiresIn as number;
}

/** A whole number of seconds in 0..max; `undefined` means 0. */
export function checkGraceSeconds(graceSeconds: unknown, maxSeconds: number): number {
  if (graceSeconds === undefined) return 0;
  if (
    !Number.isSafeInteger(graceSeconds) ||
    (graceSeconds as number) < 0 ||
    (graceSeconds as number) > maxSeconds
  ) {
    throw invalidApiKeyRequest(`graceSeconds must be a whole number of seconds between 0 and ${maxSeconds}`);
  }
  return graceSeconds as number;
}
