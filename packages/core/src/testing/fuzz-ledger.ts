// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// A ledger of what the answers changed — passwords, spent single-use credentials, revoked keys, ended
// tokens and sessions — so that later answers, and the end state, can be held to it.

import { parseEmail } from '../auth/email.js';
import type { AuthRequest } from '../http/types.js';
import { COOKIE_GUARDED, type Exchange, effectiveBody, fail, requestText } from './fuzz-checks.js';
import { ADMIN, OAUTH_PERSON, subjectOf, type World } from './fuzz-world.js';

const ADMIN_ONLY = new Set(['GET /admin/stats', 'POST /admin/keys/rotate']);

/** Routes that answer 2xx only to an authenticated user. */
const AUTHENTICATED = new Set(['GET /me', 'GET /admin/stats', 'GET /api-keys', ...COOKIE_GUARDED]);

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
        const email = typeof body['email'] === 'string' ? parseEmail(body['email']) : '';
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
      // Only the admin (verified admin@example.com) passes an admin-only route, whatever the body says.
      if (ADMIN_ONLY.has(name) && response.status < 300 && credential !== undefined) {
        const subject = subjectOf(credential) ?? world.issuedTo.get(credential);
        if (subject !== undefined && emailById.get(subject) !== ADMIN)
          fail('an admin-only route answered an account that is not the admin', request, response);
      }
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
