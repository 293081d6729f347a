// Fuzzes every route of `createAuth` in-process: generated methods, URLs, headers, cookies and bodies,
// mixed with real credentials of a fresh world per run, and checks that each answer keeps the contract and
// that the stores are still consistent afterwards. Bounded by runs and by time; a fixed seed in CI
// (FUZZ_SEED=<n> replays a run that failed elsewhere: fast-check prints the seed and the path).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustProxy } from '../http/trust-proxy.js';
import type { AuthRequest, AuthResponse } from '../http/types.js';
import { checkAnswer, type Exchange, Violation } from '../testing/fuzz-checks.js';
import { createLedger, type Ledger } from '../testing/fuzz-ledger.js';
import { materialize, type RouteShape, type Step, stepsArbitrary } from '../testing/fuzz-requests.js';
import { ADMIN, ALICE, APP_ROUTES, createWorld, settle, type World } from '../testing/fuzz-world.js';

// FUZZ_RUNS and FUZZ_BUDGET_MS run it longer by hand; CI keeps the defaults. FUZZ_STATS=1 prints answers by route.
const NUM_RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
const MAX_STEPS = 8;
/** The property stops starting new runs after this long (the file must stay well under a minute). */
const TIME_BUDGET_MS = Number(process.env['FUZZ_BUDGET_MS'] ?? 30_000);
/** Fewer runs than this means the budget was eaten by something else: fail rather than pass on nothing. */
const MIN_RUNS = 20;
const seedFromEnv = process.env['FUZZ_SEED'] ?? (process.env['CI'] ? '20261215' : undefined);

const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype).sort();

function expectUnpolluted(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_MEMBERS);
  const probe: Record<string, unknown> = {};
  for (const name of ['polluted', 'role', 'email', 'password', 'isAdmin'])
    expect(probe[name], `Object.prototype.${name}`).toBeUndefined();
}

function routeShapes(world: World): RouteShape[] {
  return [
    ...world.auth.routes.map((route, index) => ({
      target: { kind: 'route' as const, index },
      method: route.method,
      path: route.path,
    })),
    ...APP_ROUTES.map((route) => ({ target: { kind: 'app' as const, name: route.path }, ...route })),
  ];
}

const sameTarget = (a: RouteShape['target'], b: RouteShape['target']) =>
  a.kind === 'route' ? b.kind === 'route' && a.index === b.index : b.kind === 'app' && a.name === b.name;

async function exchange(
  world: World,
  route: RouteShape,
  request: AuthRequest,
  secretsBefore: readonly string[],
): Promise<Exchange> {
  let response: AuthResponse;
  try {
    response = await world.deliver(route.target, request);
  } catch (error) {
    throw new Violation(`${route.method} ${route.path} threw instead of answering: ${String(error)}`);
  }
  return { route, request, response, secretsBefore };
}

/** Answers by route and status, printed with FUZZ_STATS=1 to see how deep the fuzzer gets. */
const statusCounts = new Map<string, Map<number, number>>();
function count({ route, response }: Exchange): void {
  const name = `${route.method} ${route.path}`;
  const byStatus = statusCounts.get(name) ?? new Map<number, number>();
  byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
  statusCounts.set(name, byStatus);
}

async function runSteps(world: World, routes: readonly RouteShape[], ledger: Ledger, steps: Step[]) {
  for (const step of steps) {
    if (step.kind === 'advance') {
      world.clock.advance(step.seconds);
      continue;
    }
    const secretsBefore = world.knownSecrets();
    const exchanges = await Promise.all(
      step.requests.map((spec) => {
        const route = routes.find((r) => sameTarget(r.target, spec.target))!;
        return exchange(world, route, materialize(world, route, spec), secretsBefore);
      }),
    );
    for (const answered of exchanges) {
      count(answered);
      checkAnswer(answered);
    }
    ledger.recordStep(exchanges);
    for (const answered of exchanges) world.harvest(answered.response, answered.request);
  }
}

/** The end state: the accounts, refresh rotation and API keys still work as they should. */
async function expectConsistent(world: World, ledger: Ledger): Promise<void> {
  for (const email of [ALICE, ADMIN]) {
    let signedIn: Awaited<ReturnType<World['call']>> | undefined;
    for (const password of ledger.passwordsOf(email)) {
      const login = await world.call('POST', '/auth/login', { body: { email, password } });
      if (login.status === 200) signedIn = login;
    }
    expect(signedIn?.status, `${email} signs in with the password the ledger says`).toBe(200);
    const wrong = await world.call('POST', '/auth/login', {
      body: { email, password: 'not the password at all' },
    });
    expect(wrong.status, `${email} with a wrong password`).toBe(401);
  }

  const signIn = async () => {
    for (const password of ledger.passwordsOf(ALICE)) {
      const login = await world.call('POST', '/auth/login', { body: { email: ALICE, password } });
      if (login.status === 200) return login;
    }
    throw new Error('alice cannot sign in');
  };
  const refreshToken = (await signIn()).cookie('__Host-portcullis-refresh');
  expect(refreshToken, 'a fresh login sets a refresh cookie').toBeTruthy();
  const rotated = await world.call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
  expect(rotated.status, 'a fresh refresh token rotates').toBe(200);
  const replay = await world.call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
  expect([replay.status, (replay.body as { error?: string }).error], 'a replay is refused').toEqual([
    401,
    'invalid_grant',
  ]);

  // Another login: the replay above rightly revoked the first one's family, access token included.
  const access = ((await signIn()).body as { access_token: string }).access_token;
  const created = await world.call('POST', '/api-keys', {
    headers: { authorization: `Bearer ${access}` },
    body: { name: 'after the fuzz', scopes: ['reports:read'] },
  });
  expect(created.status, 'a fresh API key is created').toBe(201);
  const key = created.body as { id: string; key: string };
  const reports = await world.deliver(
    { kind: 'app', name: '/service/reports' },
    {
      method: 'GET',
      url: '/service/reports',
      headers: { 'x-api-key': key.key },
      remoteAddress: '198.51.100.250',
    },
  );
  expect(
    [reports.status, (reports.body as { key_id?: string }).key_id],
    'the fresh API key verifies',
  ).toEqual([200, key.id]);
}

describe('createAuth routes under fuzzing', () => {
  const escaped: unknown[] = [];
  const onEscaped = (reason: unknown) => escaped.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', onEscaped);
    process.on('uncaughtException', onEscaped);
  });
  afterAll(() => {
    process.off('unhandledRejection', onEscaped);
    process.off('uncaughtException', onEscaped);
  });

  it(
    'answers every generated request within the contract and leaves the stores consistent',
    async () => {
      const probe = await createWorld({ trustProxy: 0 });
      const routes = routeShapes(probe);
      const shapes = routes.map((r) => `${r.method} ${r.path}`);
      let runs = 0;
      const property = fc.asyncProperty(
        fc.constantFrom<TrustProxy>(0, 1, ['loopback']),
        stepsArbitrary(routes, MAX_STEPS),
        async (trustProxy, steps) => {
          runs += 1;
          const world = await createWorld({ trustProxy });
          expect(routeShapes(world).map((r) => `${r.method} ${r.path}`)).toEqual(shapes);
          const ledger = createLedger(world);
          await runSteps(world, routes, ledger, steps);
          await settle(); // work scheduled after an answer (a reset mail) must not fail either
          expect(escaped, 'unhandled rejections or uncaught exceptions').toEqual([]);
          expectUnpolluted();
          await expectConsistent(world, ledger);
        },
      );
      const details = await fc.check(property, {
        numRuns: NUM_RUNS,
        interruptAfterTimeLimit: TIME_BUDGET_MS,
        markInterruptAsFailure: false,
        ...(seedFromEnv === undefined ? {} : { seed: Number(seedFromEnv) }),
        // With FUZZ_SEED, FUZZ_PATH replays one reported counterexample at once (fast-check prints both).
        ...(process.env['FUZZ_PATH'] === undefined ? {} : { path: process.env['FUZZ_PATH'] }),
      });
      if (details.failed) {
        const cause = details.errorInstance;
        throw new Error(
          `${fc.defaultReportMessage(details)}\n${cause instanceof Error ? cause.message : String(cause)}`,
          { cause },
        );
      }
      if (process.env['FUZZ_STATS'])
        for (const [name, byStatus] of statusCounts)
          console.info(
            name.padEnd(36),
            [...byStatus]
              .sort(([a], [b]) => a - b)
              .map(([s, n]) => `${s}×${n}`)
              .join(' '),
          );
      console.info(
        `routes fuzz: ${details.numRuns} runs (seed ${details.seed}) over ${shapes.length} routes`,
      );
      // A replay of one counterexample (FUZZ_PATH) is one run by design.
      if (process.env['FUZZ_PATH'] === undefined) expect(details.numRuns).toBeGreaterThanOrEqual(MIN_RUNS);
      expect(runs).toBeGreaterThanOrEqual(details.numRuns);
      expectUnpolluted();
    },
    TIME_BUDGET_MS + 60_000,
  );
});

describe('the fuzzer’s checks', () => {
  // Each property above must be able to fail: these are answers a broken core could give.
  const login: RouteShape = { target: { kind: 'route', index: 0 }, method: 'POST', path: '/auth/login' };
  const refresh: RouteShape = { target: { kind: 'route', index: 0 }, method: 'POST', path: '/auth/refresh' };
  const me: RouteShape = { target: { kind: 'app', name: '/me' }, method: 'GET', path: '/me' };
  const request = (extra: Partial<AuthRequest> = {}): AuthRequest => ({
    method: 'POST',
    url: '/auth/login',
    headers: {},
    ...extra,
  });
  const json = (status: number, body: unknown, extra: Partial<AuthResponse> = {}): AuthResponse => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    cookies: [],
    body,
    ...extra,
  });
  const error = (status: number, code: string) => json(status, { error: code, error_description: 'x' });

  it.each<[string, Partial<Exchange>]>([
    ['a 500', { response: error(500, 'server_error') }],
    ['a 503', { response: error(503, 'temporarily_unavailable') }],
    ['a 4xx without error_description', { response: json(400, { error: 'invalid_request' }) }],
    ['a 4xx with an unknown code', { response: error(400, 'oops') }],
    [
      'a 4xx without no-store',
      { response: { ...error(400, 'invalid_request'), headers: { 'content-type': 'application/json' } } },
    ],
    ['a 200 without no-store', { response: { ...json(200, {}), headers: {} } }],
    ['a credential in the URL answered 200', { request: request({ url: '/auth/login?Access_Token=x' }) }],
    [
      'an error that sets a cookie',
      {
        response: {
          ...error(401, 'invalid_credentials'),
          cookies: ['__Host-portcullis-access=abc; Path=/'],
        },
      },
    ],
    ['invalid_token without a challenge', { response: error(401, 'invalid_token') }],
    ['a 429 without Retry-After', { response: error(429, 'rate_limited') }],
    ['a DPoP refusal at a token route with 401', { response: error(401, 'invalid_dpop_proof') }],
    ['a DPoP refusal of a resource with 400', { route: me, response: error(400, 'invalid_dpop_proof') }],
    [
      'a DPoP refusal of a resource without its challenge',
      { route: me, response: error(401, 'invalid_dpop_proof') },
    ],
    [
      'a DPoP refusal of a resource with a Bearer challenge',
      {
        route: me,
        response: {
          ...error(401, 'use_dpop_nonce'),
          headers: {
            'content-type': 'application/json',
            'cache-control': 'no-store',
            'www-authenticate': 'Bearer realm="portcullis", error="use_dpop_nonce"',
          },
        },
      },
    ],
    ['an OAuth error code outside the contract', { response: error(400, 'unsupported_token_type') }],
    [
      'a secret the request did not carry',
      {
        response: json(200, { echo: 'refresh-secret-0123456789' }),
        secretsBefore: ['refresh-secret-0123456789'],
      },
    ],
    [
      'a cookie refresh without Origin',
      {
        route: refresh,
        request: request({ url: '/auth/refresh', headers: { cookie: '__Host-portcullis-refresh=r' } }),
      },
    ],
    [
      'a cookie refresh from another origin',
      {
        route: refresh,
        request: request({
          url: '/auth/refresh',
          headers: { cookie: '__Host-portcullis-refresh=r', origin: 'http://evil.example' },
        }),
      },
    ],
  ])('refuse %s', (_label, exchange) => {
    const answered: Exchange = {
      route: login,
      request: request(),
      response: json(200, {}),
      secretsBefore: [],
      ...exchange,
    };
    expect(() => checkAnswer(answered)).toThrow(Violation);
  });

  it('accept a secret the request carried itself, and a well-formed refusal', () => {
    const secret = 'refresh-secret-0123456789';
    expect(() =>
      checkAnswer({
        route: login,
        request: request({ body: JSON.stringify({ password: secret }) }),
        response: json(200, { echo: secret }),
        secretsBefore: [secret],
      }),
    ).not.toThrow();
    expect(() =>
      checkAnswer({
        route: login,
        request: request(),
        response: error(401, 'invalid_credentials'),
        secretsBefore: [],
      }),
    ).not.toThrow();
  });

  it('refuse a login without the password, a refresh token spent twice, a revoked key that still works', async () => {
    const world = await createWorld({ trustProxy: 0 });
    const ledger = createLedger(world);
    const secretsBefore = world.knownSecrets();
    const wrongLogin: Exchange = {
      route: login,
      request: request({ body: JSON.stringify({ email: ALICE, password: 'guessed password 123' }) }),
      response: json(200, {}),
      secretsBefore,
    };
    expect(() => ledger.recordStep([wrongLogin])).toThrow(/without the password/);

    const token = world.pools.refresh[0]!;
    const spend: Exchange = {
      route: refresh,
      request: request({ url: '/auth/refresh', body: JSON.stringify({ refresh_token: token }) }),
      response: json(200, {}),
      secretsBefore,
    };
    expect(() => ledger.recordStep([spend, spend])).toThrow(/worked twice/);

    const id = world.pools.apiKeyId[0]!;
    const revoke: Exchange = {
      route: { target: { kind: 'route', index: 0 }, method: 'DELETE', path: '/api-keys/:id' },
      request: request({ method: 'DELETE', url: `/api-keys/${id}`, params: { id } }),
      response: { status: 204, headers: { 'cache-control': 'no-store' }, cookies: [] },
      secretsBefore,
    };
    ledger.recordStep([revoke]);
    const used: Exchange = {
      route: { target: { kind: 'app', name: '/service/reports' }, method: 'GET', path: '/service/reports' },
      request: request({ method: 'GET', url: '/service/reports' }),
      response: json(200, { key_id: id }),
      secretsBefore,
    };
    expect(() => ledger.recordStep([used])).toThrow(/revoked API key/);
  });

  it('refuse a logged-out access token, a user passing an admin route, a session or refresh token from before a reset', async () => {
    const world = await createWorld({ trustProxy: 0 });
    const ledger = createLedger(world);
    const secretsBefore = world.knownSecrets();
    const [access] = world.pools.access;
    const stats: Exchange = {
      route: { target: { kind: 'app', name: '/admin/stats' }, method: 'GET', path: '/admin/stats' },
      request: request({
        method: 'GET',
        url: '/admin/stats',
        headers: { authorization: `Bearer ${access}` },
      }),
      response: json(200, { users: 2 }),
      secretsBefore,
    };
    expect(() => ledger.recordStep([stats])).toThrow(/not the admin/);
    const logout: Exchange = {
      route: { target: { kind: 'route', index: 0 }, method: 'POST', path: '/auth/logout' },
      request: request({ url: '/auth/logout', headers: { authorization: `Bearer ${access}` } }),
      response: { status: 204, headers: { 'cache-control': 'no-store' }, cookies: [] },
      secretsBefore,
    };
    ledger.recordStep([logout]);
    const me = (headers: AuthRequest['headers']): Exchange => ({
      route: { target: { kind: 'app', name: '/me' }, method: 'GET', path: '/me' },
      request: request({ method: 'GET', url: '/me', headers }),
      response: json(200, {}),
      secretsBefore,
    });
    expect(() => ledger.recordStep([me({ authorization: `Bearer ${access}` })])).toThrow(
      /ended access token/,
    );

    const reset: Exchange = {
      route: { target: { kind: 'route', index: 0 }, method: 'POST', path: '/auth/password/reset' },
      request: request({
        url: '/auth/password/reset',
        body: JSON.stringify({ token: world.pools.reset[0], password: 'a new password for alice' }),
      }),
      response: { status: 204, headers: { 'cache-control': 'no-store' }, cookies: [] },
      secretsBefore,
    };
    ledger.recordStep([reset]);
    expect(ledger.passwordsOf(ALICE)).toEqual(['a new password for alice']);
    const session = world.pools.session[0]!;
    expect(() => ledger.recordStep([me({ cookie: `__Host-portcullis-sid=${session}` })])).toThrow(
      /ended access token or session/,
    );
    const refreshed: Exchange = {
      route: refresh,
      request: request({
        url: '/auth/refresh',
        body: JSON.stringify({ refresh_token: world.pools.refresh[0] }),
      }),
      response: json(200, {}),
      secretsBefore,
    };
    expect(() => ledger.recordStep([refreshed])).toThrow(/ended family/);
  });
});

// ── Found by the fuzzer: core bugs, each fixed in core with this test.
describe('found by the fuzzer', () => {
  it('GET /auth/oauth/:provider/callback with a real state cookie and a target new URL() cannot parse → never a 500', async () => {
    // Seed 764956634: `new URL(request.url, base)` in the OAuth finish threw a TypeError after the state was
    // spent, and the route answered 500. The query is now read without `new URL()`: this one is a complete
    // sign-in (the fuzz world's provider takes any code), and its state is spent.
    const world = await createWorld({ trustProxy: 0 });
    const callback = world.auth.routes.find((route) => route.path === '/auth/oauth/:provider/callback')!;
    const request = {
      method: 'GET',
      url: `http://[?state=${world.pools.oauthState[0]}&code=abc`,
      headers: { cookie: `__Host-portcullis-oauth-fuzzhub=${world.pools.oauthCookie[0]}` },
      params: { provider: 'fuzzhub' },
      remoteAddress: '127.0.0.1',
    };
    expect((await callback.handle(request)).status).toBe(302);
    const replay = await callback.handle(request);
    expect([replay.status, (replay.body as { error?: string }).error]).toEqual([400, 'invalid_request']);
  });
});
