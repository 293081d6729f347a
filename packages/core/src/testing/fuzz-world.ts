// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// A "world" is one fresh `createAuth` with real accounts, tokens, keys and mailed links in it, and pools of
// every credential seen so far, so that generated requests can carry real credentials and reach deep code.
import { randomBytes } from 'node:crypto';
import { parseEmail } from '../auth/email.js';
import { createDpopProver } from '../dpop/dpop-prover.js';
import type { TrustProxy } from '../http/trust-proxy.js';
import type { AuthRequest, AuthResponse } from '../http/types.js';
import type { FetchLike } from '../oauth/provider-http.js';
import { requireRoles, requireScopes } from '../policy/requirement.js';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import { authFixture, ORIGIN } from './auth.js';
import { fakeClock } from './token-fixtures.js';

export const ALICE = 'alice@example.com';
export const ADMIN = 'admin@example.com';
/** The address the fake sign-in provider reports: never one of the tracked accounts, whose passwords must survive. */
export const OAUTH_PERSON = 'oauth-person@example.com';
export const PROVIDER = 'fuzzhub';

/** Where the world's own checks come from: an address range the fuzzer never uses, so its limits are untouched. */
export const CHECK_ADDRESS_PREFIX = '198.51.100.';

/** Pools of values a generated request can name as `{{pool:n}}`. */
export type PoolName =
  | 'access'
  | 'refresh'
  | 'session'
  | 'device'
  | 'apiKey'
  | 'apiKeyId'
  | 'verify'
  | 'reset'
  | 'oauthState'
  | 'oauthCookie'
  | 'password'
  | 'newPassword'
  | 'email'
  | 'clientSecret'
  | 'basic'
  | 'dpop'
  | 'boundAccess';

export const POOL_NAMES: readonly PoolName[] = [
  'access',
  'refresh',
  'session',
  'device',
  'apiKey',
  'apiKeyId',
  'verify',
  'reset',
  'oauthState',
  'oauthCookie',
  'password',
  'newPassword',
  'email',
  'clientSecret',
  'basic',
  'dpop',
  'boundAccess',
];

/** Pools whose values must never come back in a response to a request that did not carry them. */
const SECRET_POOLS: readonly PoolName[] = [
  'refresh',
  'session',
  'apiKey',
  'verify',
  'reset',
  'password',
  'newPassword',
  'clientSecret',
  'basic',
];

/** Proofs per DPoP target: each is single-use (its `jti`), and a run may send a few. */
export const DPOP_COPIES = 3;

/** The registered client of `/oauth/token`, `/oauth/introspect` and `/oauth/revoke` (its secret is per world). */
export const CLIENT_ID = 'fuzz-worker';

/**
 * The requests the world's valid DPoP proofs are made for, in the order of the `dpop` pool (`{{dpop:i}}` is
 * one of `DPOP_COPIES` proofs for `DPOP_TARGETS[i / DPOP_COPIES]`): `ath` names the pool whose first token
 * the proof is sent with.
 */
export const DPOP_TARGETS: readonly { method: string; path: string; ath?: 'access' | 'boundAccess' }[] = [
  { method: 'POST', path: '/oauth/token' },
  { method: 'POST', path: '/auth/login' },
  { method: 'POST', path: '/auth/refresh' },
  { method: 'GET', path: '/me', ath: 'boundAccess' },
  { method: 'GET', path: '/me', ath: 'access' },
  { method: 'GET', path: '/me' },
  { method: 'POST', path: '/oauth/token' },
];

/**
 * The app routes of the demo that are built on `auth.authenticate` and `auth.authorize` rather than served
 * by core (`/me`, `/admin/stats`, `/service/reports`), answered as an adapter would, so the fuzzer reaches
 * every authentication path too.
 */
export const APP_ROUTES = [
  { method: 'GET', path: '/me' },
  { method: 'GET', path: '/admin/stats' },
  { method: 'GET', path: '/service/reports' },
] as const;

/** A token endpoint that always hands out a provider token, so a callback with a real state gets far. */
const fakeProviderFetch: FetchLike = async () =>
  new Response(JSON.stringify({ access_token: 'provider-access-token', token_type: 'bearer' }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

const strongPassword = (tag: string) => `fuzz ${tag} ${randomBytes(8).toString('hex')} staple`;

export interface WorldOptions {
  trustProxy: TrustProxy;
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** One fresh auth with two real accounts (an unverified user, a verified admin) and their credentials. */
export async function createWorld(options: WorldOptions) {
  // The stores keep time by the same fake clock as the auth: their expiries are computed from it (the
  // fixture's default stores use the real clock, which runs ahead of the fake one once the date is past it).
  const clock = fakeClock();
  const stores = createMemoryStores({ clock });
  const clientSecret = randomBytes(30).toString('base64url');
  const fixture = await authFixture(
    {
      clock,
      trustProxy: options.trustProxy,
      clients: {
        registered: [
          {
            id: CLIENT_ID,
            secret: clientSecret,
            scopes: ['reports:read'],
            grants: ['client_credentials', 'introspection', 'revocation'],
          },
        ],
      },
      oauth: {
        fetch: fakeProviderFetch,
        timeout: 2,
        providers: {
          [PROVIDER]: {
            type: 'oauth2',
            issuer: 'https://fuzzhub.example',
            authorizationEndpoint: 'https://fuzzhub.example/authorize',
            tokenEndpoint: 'https://fuzzhub.example/token',
            clientId: 'fuzz-client',
            clientSecret: 'fuzz-client-secret-7Kq2vX9mR4tL8wZ3nB6c',
            scopes: ['user:email'],
            userEmail: async () => ({ email: OAUTH_PERSON, verified: true, subject: '4242' }),
          },
        },
      },
    },
    stores,
  );
  const { auth, mailer } = fixture;
  const passwords = new Map<string, string>([
    [ALICE, strongPassword('alice')],
    [ADMIN, strongPassword('admin')],
  ]);
  const userIds = new Map<string, string>(); // id → e-mail
  const resetOwner = new Map<string, string>(); // reset token → e-mail
  const issuedTo = new Map<string, string>(); // access token, refresh token or session id → user id

  /** The tracked account a login request's body names (by its e-mail as core normalises it). */
  function accountNamedBy(request: AuthRequest | undefined): string | undefined {
    if (request === undefined || typeof request.body !== 'string') return undefined;
    try {
      const email = (JSON.parse(request.body) as { email?: unknown }).email;
      if (typeof email !== 'string') return undefined;
      const normalized = parseEmail(email);
      return [...userIds].find(([, known]) => known === normalized)?.[0];
    } catch {
      return undefined;
    }
  }
  const pools = Object.fromEntries(POOL_NAMES.map((name) => [name, [] as string[]])) as Record<
    PoolName,
    string[]
  >;
  const add = (pool: PoolName, value: unknown) => {
    if (typeof value === 'string' && value.length > 0 && !pools[pool].includes(value))
      pools[pool].push(value);
  };
  let checkAddress = 0;
  /** An address no request of the fuzzer comes from (its login and registration limits are its own). */
  const freshCheckAddress = () => `${CHECK_ADDRESS_PREFIX}${++checkAddress}`;

  /** Sends a request to a core route (by index) or an app route, as an adapter would. Never throws itself. */
  async function deliver(target: Target, request: AuthRequest): Promise<AuthResponse> {
    if (target.kind === 'route') return auth.routes[target.index]!.handle(request);
    try {
      if (target.name === '/me') {
        const context = await auth.authenticate(request);
        return ok({ subject: context.subject });
      }
      if (target.name === '/admin/stats') {
        const context = await auth.authenticate(request);
        auth.authorize(context, requireRoles('admin'));
        return ok({ users: userIds.size });
      }
      const context = await auth.authenticate(request, { via: ['apiKey'] });
      auth.authorize(context, requireScopes('reports:read'));
      return ok({ reports: [], key_id: context.tokenId });
    } catch (error) {
      return auth.errorResponse(error);
    }
  }

  /**
   * Takes every credential a response handed out, and every link mailed meanwhile, into the pools, and
   * notes whose each access token, refresh token and session is: the subject of the access token issued
   * with it, or for a session login (no access token) the account its request named.
   */
  function harvest(response: AuthResponse, request?: AuthRequest): void {
    const body = response.body as Record<string, unknown> | undefined;
    const issued: string[] = [];
    const take = (pool: PoolName, value: unknown) => {
      add(pool, value);
      if (typeof value === 'string' && value !== '') issued.push(value);
    };
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      take('access', body['access_token']);
      take('refresh', body['refresh_token']);
      if (typeof body['key'] === 'string') {
        add('apiKey', body['key']);
        add('apiKeyId', body['id']);
      }
    }
    for (const line of response.cookies) {
      const [pair = ''] = line.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals);
      const value = decodeURIComponent(pair.slice(equals + 1));
      if (name === '__Host-portcullis-access') take('access', value);
      else if (name === '__Host-portcullis-refresh') take('refresh', value);
      else if (name === '__Host-portcullis-sid') take('session', value);
      else if (name === '__Host-portcullis-device') add('device', value);
      else if (name === `__Host-portcullis-oauth-${PROVIDER}`) add('oauthCookie', value);
    }
    const subject = issued.map(subjectOf).find((s) => s !== undefined) ?? accountNamedBy(request);
    if (subject !== undefined) for (const value of issued) issuedTo.set(value, subject);
    const location = response.headers['location'];
    if (location !== undefined) {
      try {
        add('oauthState', new URL(location).searchParams.get('state'));
      } catch {
        // a relative redirect (after a sign-in) has no state
      }
    }
    harvestMail();
  }

  function harvestMail(): void {
    for (const email of [ALICE, ADMIN, OAUTH_PERSON]) {
      add('verify', mailer.linkToken(email, 'verify_email'));
      const reset = mailer.linkToken(email, 'reset_password');
      if (reset !== undefined) {
        resetOwner.set(reset, email);
        add('reset', reset);
      }
    }
  }

  /** Sends a request of the world's own (set-up and checks) from an address the fuzzer never uses. */
  const call = (method: string, url: string, request: Parameters<typeof fixture.call>[2] = {}) =>
    fixture.call(method, url, { ip: freshCheckAddress(), ...request });

  async function login(email: string) {
    const response = await call('POST', '/auth/login', {
      body: { email, password: passwords.get(email) },
    });
    harvest(response);
    return response;
  }

  // Set-up: every kind of credential exists before the first generated request.
  for (const email of [ALICE, ADMIN]) {
    const registered = await call('POST', '/auth/register', {
      body: { email, password: passwords.get(email) },
    });
    if (registered.status !== 201) throw new Error(`set-up: register ${email} → ${registered.status}`);
    userIds.set((registered.body as { id: string }).id, email);
  }
  harvestMail();
  await fixture.verify(ADMIN); // the admin's role comes with verification
  const aliceLogin = await login(ALICE);
  const adminLogin = await login(ADMIN);
  if (aliceLogin.status !== 200 || adminLogin.status !== 200) throw new Error('set-up: login failed');
  const session = await call('POST', '/auth/session', {
    body: { email: ALICE, password: passwords.get(ALICE) },
  });
  harvest(session, {
    method: 'POST',
    url: '/auth/session',
    headers: {},
    body: JSON.stringify({ email: ALICE }),
  });
  const created = await call('POST', '/api-keys', {
    headers: { authorization: `Bearer ${(aliceLogin.body as { access_token: string }).access_token}` },
    body: { name: 'fuzz', scopes: ['reports:read'] },
  });
  if (created.status !== 201) throw new Error(`set-up: API key → ${created.status}`);
  harvest(created);
  harvest(await call('GET', `/auth/oauth/${PROVIDER}/start`));
  harvest(await call('POST', '/auth/password/forgot', { body: { email: ALICE } }));
  await settle(); // the reset mail is sent after the answer
  harvestMail();
  // The client: its secret, its Basic credentials, a token bound to a DPoP key, and proofs of that key.
  add('clientSecret', clientSecret);
  const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${clientSecret}`).toString('base64')}`;
  add('basic', basic);
  const prover = await createDpopProver({ clock });
  const bound = await call('POST', '/oauth/token', {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      host: HOST,
      authorization: basic,
      dpop: await prover.proof('POST', `${ORIGIN}/oauth/token`),
    },
    body: 'grant_type=client_credentials&scope=reports%3Aread',
  });
  const boundToken = (bound.body as { access_token?: unknown }).access_token;
  if (bound.status !== 200 || typeof boundToken !== 'string')
    throw new Error(`set-up: DPoP-bound client token → ${bound.status}`);
  add('boundAccess', boundToken);
  issuedTo.set(boundToken, CLIENT_ID);
  for (const target of DPOP_TARGETS) {
    const token = target.ath === undefined ? undefined : pools[target.ath][0];
    for (let copy = 0; copy < DPOP_COPIES; copy++)
      pools.dpop.push(
        await prover.proof(
          target.method,
          `${ORIGIN}${target.path}`,
          token === undefined ? {} : { accessToken: token },
        ),
      );
  }
  for (const password of passwords.values()) add('password', password);
  add('password', 'wrong password for sure');
  for (const tag of ['a', 'b', 'c']) add('newPassword', strongPassword(`new-${tag}`));
  for (const email of [
    ALICE,
    ADMIN,
    'ALICE@Example.COM',
    ' alice@example.com ',
    'nobody@example.com',
    OAUTH_PERSON,
  ])
    add('email', email);

  return {
    auth,
    fixture,
    /** The clock of the auth and its stores (`fixture.clock` is the fixture's own, unused here). */
    clock,
    pools,
    passwords,
    userIds,
    resetOwner,
    issuedTo,
    deliver,
    harvest,
    call,
    freshCheckAddress,
    /** Every secret the world knows now: a response must not contain one its request did not carry. */
    knownSecrets(): string[] {
      return [...SECRET_POOLS.flatMap((pool) => pools[pool]), ...passwords.values()];
    },
  };
}

export type Target =
  | { kind: 'route'; index: number }
  | { kind: 'app'; name: (typeof APP_ROUTES)[number]['path'] };

/** The `sub` of an access token (read, not verified: for bookkeeping only). */
export function subjectOf(accessToken: unknown): string | undefined {
  if (typeof accessToken !== 'string') return undefined;
  try {
    const sub = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

function ok(body: unknown): AuthResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    cookies: [],
    body,
  };
}

/** Lets work a handler scheduled after its answer (a reset mail) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The `Host` a request needs for its DPoP proof's `htu` (`${ORIGIN}/…`) to match. */
export const HOST = new URL(ORIGIN).host;

export { ORIGIN };
