// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// What must hold of every answer, whatever was asked: the contract's statuses and error shape, no-store,
// URL credentials refused, CSRF on cookie-authenticated changes, no secret the request did not carry.
import type { AuthRequest, AuthResponse } from '../http/types.js';
import type { RouteShape } from './fuzz-requests.js';
import { ORIGIN } from './fuzz-world.js';

/** The contract's error codes (contract v2, "Common rules"), and `conflict` for a rotation of configured keys. */
const ERROR_CODES = new Set([
  'invalid_request',
  'invalid_token',
  'insufficient_scope',
  'invalid_credentials',
  'invalid_grant',
  'weak_password',
  'email_taken',
  'csrf_failed',
  'rate_limited',
  'not_found',
  'payload_too_large',
  'conflict',
  'mfa_required',
  'insufficient_user_authentication',
  // The client endpoints (RFC 6749 §5.2) and DPoP (RFC 9449 §5, §7.1, §8).
  'invalid_client',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_dpop_proof',
  'use_dpop_nonce',
]);
const DPOP_ERRORS = new Set(['invalid_dpop_proof', 'use_dpop_nonce']);
/** Routes that issue tokens, where a DPoP proof is refused with 400 (RFC 9449 §5); elsewhere 401 + challenge. */
export const DPOP_TOKEN_ROUTES = new Set([
  'POST /auth/login',
  'POST /auth/refresh',
  'POST /auth/mfa/verify',
  'POST /auth/passkeys/login',
  'POST /oauth/token',
]);
const STATUSES = new Set([200, 201, 202, 204, 302, 400, 401, 403, 404, 409, 413, 429]);
const URL_CREDENTIALS = new Set(['access_token', 'token', 'api_key', 'apikey']);
/** The `Origin` values of the generator that name the app's origin (`normalizeOrigin` accepts these three). */
const SAME_ORIGIN = new Set([ORIGIN, `${ORIGIN}/`, 'HTTP://127.0.0.1:3000']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that change something for a signed-in user, and so must refuse cookie credentials cross-site. */
export const COOKIE_GUARDED = new Set([
  'POST /auth/password/change',
  'POST /auth/verify-email/resend',
  'POST /admin/keys/rotate',
  'POST /api-keys',
  'POST /api-keys/:id/roll',
  'DELETE /api-keys/:id',
  'POST /auth/reauthenticate',
  'POST /auth/mfa/totp',
  'POST /auth/mfa/totp/confirm',
  'DELETE /auth/mfa/totp',
  'POST /auth/mfa/recovery-codes',
  'POST /auth/passkeys/register/options',
  'POST /auth/passkeys/register',
  'DELETE /auth/passkeys/:id',
]);

export class Violation extends Error {
  override name = 'Violation';
}

export function fail(message: string, request: AuthRequest, response: AuthResponse): never {
  throw new Violation(`${message}\n  request: ${preview(request)}\n  response: ${preview(response)}`);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Uint8Array
      ? `<${v.byteLength} bytes>`
      : typeof v === 'string' && v.length > 300
        ? `${v.slice(0, 300)}…(${v.length})`
        : v,
  );
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** The request as text, to look for the secrets it carried. */
export function requestText(request: AuthRequest): string {
  const body = request.body;
  const bodyText =
    body === undefined
      ? ''
      : typeof body === 'string'
        ? body
        : body instanceof Uint8Array
          ? Buffer.from(body).toString('utf8') + Buffer.from(body).toString('latin1')
          : JSON.stringify(body);
  return `${request.url} ${JSON.stringify(request.headers)} ${JSON.stringify(request.params ?? {})} ${bodyText}`;
}

/** The body as core would read it (for the ledger): parsed JSON, or `{}` when it is not an object. */
export function effectiveBody(request: AuthRequest): Record<string, unknown> {
  let value = request.body;
  try {
    if (typeof value === 'string') value = JSON.parse(value);
    else if (value instanceof Uint8Array) value = JSON.parse(Buffer.from(value).toString('utf8'));
  } catch {
    return {};
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function hasCredentialInUrl(url: string): boolean {
  const start = url.indexOf('?');
  if (start === -1) return false;
  const end = url.indexOf('#', start);
  const params = new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end));
  return [...params.keys()].some((name) => URL_CREDENTIALS.has(name.trim().toLowerCase()));
}

const present = (value: unknown) => typeof value === 'string' || (Array.isArray(value) && value.length > 0);

/** One answered request, as the checks and the ledger see it. */
export interface Exchange {
  route: RouteShape;
  request: AuthRequest;
  response: AuthResponse;
  /** Secrets the world knew before the request was sent. */
  secretsBefore: readonly string[];
}

/** What every answer must satisfy on its own. */
export function checkAnswer({ route, request, response, secretsBefore }: Exchange): void {
  const { status, headers, body } = response;
  if (!STATUSES.has(status)) fail(`status ${status} is not one the contract allows`, request, response);
  const name = `${route.method} ${route.path}`;
  const isCoreRoute = route.target.kind === 'route';

  if (
    hasCredentialInUrl(request.url) &&
    !(status === 400 && (body as { error?: string })?.error === 'invalid_request')
  )
    fail('a credential in the URL was not refused with 400 invalid_request', request, response);

  if (status >= 400) {
    const error = body as { error?: unknown; error_description?: unknown } | undefined;
    if (typeof error?.error !== 'string' || !ERROR_CODES.has(error.error))
      fail('a 4xx without a known {error}', request, response);
    if (typeof error.error_description !== 'string' || error.error_description === '')
      fail('a 4xx without an error_description', request, response);
    if (!headers['content-type']?.startsWith('application/json'))
      fail('a 4xx that is not JSON', request, response);
    if (headers['cache-control'] !== 'no-store')
      fail('a 4xx without Cache-Control: no-store', request, response);
    // The challenge names the error only when a credential was presented: an empty X-API-Key is not one
    // (RFC 6750 §3.1 by analogy), though its body still says invalid_token.
    if (
      error.error === 'invalid_token' &&
      !/^(Bearer|ApiKey|DPoP) realm="portcullis"(, error="invalid_token"|$)/.test(
        headers['www-authenticate'] ?? '',
      )
    )
      fail('invalid_token without its WWW-Authenticate challenge', request, response);
    if (DPOP_ERRORS.has(error.error)) {
      if (DPOP_TOKEN_ROUTES.has(name)) {
        if (status !== 400)
          fail(`a DPoP refusal at a token route with ${status}, not 400`, request, response);
      } else if (
        status !== 401 ||
        !/^DPoP realm="portcullis", error="/.test(headers['www-authenticate'] ?? '')
      )
        fail(
          'a DPoP refusal of a resource without 401 and its WWW-Authenticate: DPoP challenge',
          request,
          response,
        );
    }
    if (status === 429 && !/^[1-9]\d*$/.test(headers['retry-after'] ?? ''))
      fail('a 429 without Retry-After seconds', request, response);
    for (const cookie of response.cookies)
      if (!/^[^=]+=;/.test(cookie) || !/Max-Age=0/i.test(cookie))
        fail('an error response that sets a cookie instead of clearing it', request, response);
  } else if (isCoreRoute) {
    const cacheable = route.path === '/.well-known/jwks.json' && status === 200;
    if (!cacheable && headers['cache-control'] !== 'no-store')
      fail('an /auth answer without Cache-Control: no-store', request, response);
  }

  // CSRF: a change made with cookie credentials needs exactly one Origin, the app's own.
  if (status < 300 && isCoreRoute && !SAFE_METHODS.has(request.method)) {
    const byCookie =
      name === 'POST /auth/refresh'
        ? typeof effectiveBody(request)['refresh_token'] !== 'string'
        : COOKIE_GUARDED.has(name) && !present(request.headers['authorization']);
    const origin = request.headers['origin'];
    if (byCookie && !(typeof origin === 'string' || (Array.isArray(origin) && origin.length === 1)))
      fail('a cookie-authenticated change without exactly one Origin', request, response);
    if (byCookie && !SAME_ORIGIN.has(typeof origin === 'string' ? origin : String(origin?.[0])))
      fail('a cookie-authenticated change from another origin', request, response);
  }

  const answer = JSON.stringify({ headers, cookies: response.cookies, body });
  const asked = requestText(request);
  for (const secret of secretsBefore)
    if (answer.includes(secret) && !asked.includes(secret))
      fail(
        `the answer contains a secret the request did not carry (${secret.slice(0, 12)}…)`,
        request,
        response,
      );
}
