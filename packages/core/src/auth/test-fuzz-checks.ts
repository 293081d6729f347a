// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// What must hold of every answer, whatever was asked, and a ledger of what the answers changed (passwords,
// spent refresh tokens, revoked keys) so that later answers can be held to it.
import type { AuthRequest, AuthResponse } from '../http/types.js';
import { normaliseEmail } from './email.js';
import type { RouteShape } from './test-fuzz-requests.js';
import { ADMIN, OAUTH_PERSON, ORIGIN, subjectOf, type World } from './test-fuzz-world.js';

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
]);
const STATUSES = new Set([200, 201, 202, 204, 302, 400, 401, 403, 404, 409, 413, 429]);
const URL_CREDENTIALS = new Set(['access_token', 'token', 'api_key', 'apikey']);
/** The `Origin` values of the generator that name the app's origin (`normaliseOrigin` accepts these three). */
const SAME_ORIGIN = new Set([ORIGIN, `${ORIGIN}/`, 'HTTP://127.0.0.1:3000']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that change something for a signed-in user, and so must refuse cookie credentials cross-site. */
const COOKIE_GUARDED = new Set([
  'POST /auth/password/change',
  'POST /auth/verify-email/resend',
  'POST /admin/keys/rotate',
  'POST /api-keys',
  'POST /api-keys/:id/roll',
  'DELETE /api-keys/:id',
]);

/** Routes that answer 2xx only to an authenticated user. */
const AUTHENTICATED = new Set(['GET /me', 'GET /admin/stats', 'GET /api-keys', ...COOKIE_GUARDED]);

export class Violation extends Error {
  override name = 'Violation';
}

function fail(message: string, request: AuthRequest, response: AuthResponse): never {
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
function effectiveBody(request: AuthRequest): Record<string, unknown> {
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
      !/^(Bearer|ApiKey) realm="portcullis"(, error="invalid_token"|$)/.test(
        headers['www-authenticate'] ?? '',
      )
    )
      fail('invalid_token without its WWW-Authenticate challenge', request, response);
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

/**
 * The single-use credential a successful answer spent: the refresh token of a refresh, the link token of a
 * verification or reset, the state of a sign-in callback; `undefined` when the request is not one of those.
 */
function singleUse(
  name: string,
  status: number,
  request: AuthRequest,
  refreshTokensBefore: readonly string[],
): string | undefined {
  const body = effectiveBody(request);
  if (name === 'POST /auth/verify-email' && status === 200) return `verify:${String(body['token'])}`;
  if (name === 'POST /auth/password/reset' && status === 204) return `reset:${String(body['token'])}`;
  if (name === 'GET /auth/oauth/:provider/callback' && status === 302) {
    const query = request.url.split('?')[1]?.split('#')[0] ?? '';
    return `state:${new URLSearchParams(query).get('state')}`;
  }
  if (name === 'POST /auth/refresh' && status === 200) {
    // The token of the body, else of the cookie: whichever known refresh token the request carried.
    const asked = typeof body['refresh_token'] === 'string' ? body['refresh_token'] : requestText(request);
    const carried = refreshTokensBefore.filter((token) => asked.includes(token));
    return carried.length === 1 ? `refresh:${carried[0]}` : undefined;
  }
  return undefined;
}

/**
 * What the answers so far have changed, to hold later answers and the end state to: each account's
 * possible passwords (several only when two changes raced), spent refresh tokens, revoked API keys.
 */
export function createLedger(world: World) {
  const passwords = new Map<string, Set<string>>();
  for (const [email, password] of world.passwords) passwords.set(email, new Set([password]));
  const emailById = new Map(world.userIds);
  const verified = new Set([ADMIN]);
  const spent = new Set<string>();
  const revokedKeyIds = new Set<string>();
  /** Access tokens, refresh tokens and session ids that a logout, a reset or a change ended. */
  const ended = new Set<string>();

  /** The changes one step made: requests sent together may have landed in any order. */
  function changesOf(exchanges: readonly Exchange[]) {
    const changed = new Map<string, Set<string>>();
    const note = (email: string | undefined, password: unknown) => {
      if (email === undefined || typeof password !== 'string') return;
      changed.set(email, (changed.get(email) ?? new Set()).add(password));
    };
    const revoked: string[] = [];
    const endedNow: string[] = [];
    const everyoneOf: string[] = []; // users whose every earlier credential ends
    for (const { route, request, response } of exchanges) {
      const name = `${route.method} ${route.path}`;
      const body = effectiveBody(request);
      const answer = response.body as Record<string, unknown> | undefined;
      if (name === 'POST /auth/register' && response.status === 201) {
        emailById.set(String(answer?.['id']), String(answer?.['email']));
        note(String(answer?.['email']), body['password']);
      }
      if (name === 'POST /auth/verify-email' && response.status === 200)
        verified.add(String(answer?.['email']));
      if (name === 'POST /auth/password/change' && response.status === 200) {
        const subject = String(subjectOf(answer?.['access_token']));
        note(emailById.get(subject), body['new_password']);
        everyoneOf.push(subject);
      }
      if (name === 'POST /auth/password/reset' && response.status === 204) {
        const email = world.resetOwner.get(body['token'] as string);
        note(email, body['password']);
        if (email !== undefined) verified.add(email); // a reset link proves the address
        const subject = [...emailById].find(([, known]) => known === email)?.[0];
        if (subject !== undefined) everyoneOf.push(subject);
      }
      // A logout with a bearer token ends that token (it was valid: an invalid one is refused with 401).
      const authorization = request.headers['authorization'];
      if (name === 'POST /auth/logout' && response.status === 204 && typeof authorization === 'string')
        endedNow.push(authorization.slice('Bearer '.length));
      // A provider's sign-in takes over an unverified account of its address: the password is gone.
      if (
        name === 'GET /auth/oauth/:provider/callback' &&
        response.status === 302 &&
        !verified.has(OAUTH_PERSON)
      ) {
        passwords.set(OAUTH_PERSON, new Set());
        verified.add(OAUTH_PERSON);
      }
      if (
        name === 'DELETE /api-keys/:id' &&
        response.status === 204 &&
        typeof request.params?.['id'] === 'string'
      )
        revoked.push(request.params['id']);
    }
    // Everything issued to them before this step (the pools do not hold this step's answers yet).
    for (const subject of everyoneOf)
      for (const value of [...world.pools.access, ...world.pools.refresh, ...world.pools.session])
        if (world.issuedTo.get(value) === subject) endedNow.push(value);
    return { changed, revoked, endedNow };
  }

  /** The credential an authenticated request rode on, when it was exactly one bearer token or session. */
  function soleCredential(request: AuthRequest): string | undefined {
    const { authorization, cookie } = request.headers;
    if (typeof authorization === 'string') return /^Bearer (\S+)$/.exec(authorization)?.[1];
    if (authorization !== undefined && authorization.length > 0) return undefined;
    return typeof cookie === 'string' ? /^__Host-portcullis-sid=([^;,\s"]+)$/.exec(cookie)?.[1] : undefined;
  }

  /** Checks the exchanges of one step against the ledger, then records what they changed. */
  function recordStep(exchanges: readonly Exchange[]): void {
    const { changed, revoked, endedNow } = changesOf(exchanges);
    for (const { route, request, response, secretsBefore } of exchanges) {
      const name = `${route.method} ${route.path}`;
      const body = effectiveBody(request);
      const answer = response.body as Record<string, unknown> | undefined;
      if (
        (name === 'POST /auth/login' && response.status === 200) ||
        (name === 'POST /auth/session' && response.status === 204)
      ) {
        const email = typeof body['email'] === 'string' ? normaliseEmail(body['email']) : '';
        const password = body['password'] as string;
        if (!passwords.get(email)?.has(password) && !changed.get(email)?.has(password))
          fail(`a login succeeded without the password of ${email || 'any account'}`, request, response);
      }
      const refreshTokens = secretsBefore.filter((secret) => world.pools.refresh.includes(secret));
      const once = singleUse(name, response.status, request, refreshTokens);
      if (once?.startsWith('refresh:') && ended.has(once.slice('refresh:'.length)))
        fail('a refresh token of an ended family still rotates', request, response);
      const credential = soleCredential(request);
      if (
        response.status < 300 &&
        AUTHENTICATED.has(name) &&
        credential !== undefined &&
        ended.has(credential)
      )
        fail('an ended access token or session still authenticates', request, response);
      if (once !== undefined) {
        if (spent.has(once)) fail(`a single-use credential worked twice (${name})`, request, response);
        spent.add(once);
      }
      if (
        name === 'GET /service/reports' &&
        response.status === 200 &&
        revokedKeyIds.has(String(answer?.['key_id']))
      )
        fail('a revoked API key still authenticates', request, response);
    }
    for (const [email, candidates] of changed) passwords.set(email, candidates);
    for (const id of revoked) revokedKeyIds.add(id);
    for (const value of endedNow) ended.add(value);
  }

  return {
    recordStep,
    /** The passwords one of which must still sign `email` in. */
    passwordsOf: (email: string) => [...(passwords.get(email) ?? [])],
  };
}

export type Ledger = ReturnType<typeof createLedger>;
