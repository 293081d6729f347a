// A bounded HTTP fuzz against every demo as a real process (embedded store): generated requests over raw
// TCP — the contract's routes with real and broken credentials and bodies, broken framing and request
// lines, keep-alive reuse after errors — then: no 5xx ever, the app still healthy, no secret in its log,
// and a real user still signs in. Bounded by count and time; loopback only. The seed is printed, fixed in
// CI, and FUZZ_SEED=<n> replays a run (FUZZ_REQUESTS and FUZZ_BUDGET_MS run it longer, FUZZ_DEBUG=1 prints
// each connection that broke a rule and each well-formed request the server refused itself).
import { randomBytes } from 'node:crypto';
import { createDpopProver } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, freshClientAddress, type Request, secret, secretsSeen } from './client.js';
import { type DemoProcess, FRAMEWORKS, type Framework, startDemo } from './demo-process.js';
import { freshPassword, REFRESH } from './fixtures.js';
import type { Pools } from './fuzz-pools.js';
import { createRandom, fuzzSeed } from './fuzz-random.js';
import { describeReport, runHttpFuzz } from './fuzz-run.js';

const REQUESTS_PER_DEMO = Number(process.env['FUZZ_REQUESTS'] ?? 800);
const BUDGET_MS = Number(process.env['FUZZ_BUDGET_MS'] ?? 25_000);
const CONCURRENCY = 8;
/** Fewer requests than this within the budget means the run measured nothing worth passing. */
const MIN_REQUESTS = Math.min(200, REQUESTS_PER_DEMO);
const DEVICE = '__Host-portcullis-device';

/**
 * Raised limits on two demos, so the fuzz reaches the routes rather than measuring 429s; the contract's
 * defaults (and a trusted proxy, so X-Forwarded-For counts) on the other two, so the limiters are fuzzed.
 */
const LIMITS: Record<Framework, Record<string, string>> = {
  express: raised(),
  fastify: { REGISTER_MAX_PER_IP: '10', TRUST_PROXY: '1' },
  hono: raised(),
  nest: { REGISTER_MAX_PER_IP: '10', TRUST_PROXY: '1' },
};

function raised(): Record<string, string> {
  return {
    REGISTER_MAX_PER_IP: '100000',
    LOGIN_MAX_FAILURES: '100000',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
  };
}

/** The fuzz's OAuth client (OAUTH_CLIENTS), so that /oauth/token, /oauth/introspect and /oauth/revoke exist. */
const CLIENT_ID = 'fuzz';
const CLIENT_SECRET = secret(randomBytes(33).toString('base64url'));
const CLIENT_ENV = {
  OAUTH_CLIENTS: `${CLIENT_ID}:${CLIENT_SECRET}:reports:read|client_credentials introspection revocation`,
};
const BASIC = secret(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
/** Valid proofs per DPoP pool: `poolRef` names the first five. */
const PROOFS = 5;

/**
 * Loopback clients of the fuzz's own (127.0.200.x: no other file's addresses): sixteen where the limits
 * are raised, one at the defaults, so that the per-address limits are reached and answer 429 too.
 */
const fuzzAddresses = (framework: Framework) =>
  Array.from(
    { length: LIMITS[framework]['LOGIN_MAX_FAILURES'] === undefined ? 1 : 16 },
    (_, i) => `127.0.200.${i + 2}`,
  );

interface Account {
  email: string;
  password: string;
  device: string;
  access: string;
}

async function signUp(http: Request, email: string): Promise<Account> {
  const password = freshPassword('fuzz');
  const registered = await http('POST', '/auth/register', { body: { email, password } });
  expect(registered.status, registered.text).toBe(201);
  const login = await http('POST', '/auth/login', { body: { email, password } });
  expect(login.status, login.text).toBe(200);
  return {
    email,
    password,
    device: login.cookie(DEVICE)!,
    access: login.json['access_token'] as string,
  };
}

describe.each(FRAMEWORKS)('HTTP fuzz against the %s demo', (framework) => {
  let app: DemoProcess;
  beforeAll(async () => {
    app = await startDemo(framework, { ...LIMITS[framework], ...CLIENT_ENV });
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  it(
    'never answers 5xx, stays up, logs no secret, and still signs a real user in',
    async () => {
      // One seed for the file; each framework draws its own requests from it.
      const seed = fuzzSeed();
      const frameworkSeed = (seed + FRAMEWORKS.indexOf(framework) * 0x9e3779b9) >>> 0;
      const port = Number(new URL(app.url).port);
      const setup = createClient(app.url, { localAddress: freshClientAddress() });
      // The fuzz user's credentials are the fuzzer's to use; the bystander's never reach it.
      const user = await signUp(setup, `fuzz-user-${framework}@example.com`);
      const bystander = await signUp(setup, `bystander-${framework}@example.com`);
      const session = await setup('POST', '/auth/session', {
        body: { email: user.email, password: user.password },
      });
      const key = await setup('POST', '/api-keys', {
        headers: { authorization: `Bearer ${user.access}` },
        body: { name: 'fuzz', scopes: ['reports:read'] },
      });
      expect(key.status, key.text).toBe(201);
      const refresh = (
        await setup('POST', '/auth/login', { body: { email: user.email, password: user.password } })
      ).cookie(REFRESH);
      // The client's token bound to a DPoP key, and single-use proofs of that key for the fuzz to spend.
      const prover = await createDpopProver();
      const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC };
      const bound = await setup('POST', '/oauth/token', {
        raw: 'grant_type=client_credentials&scope=reports%3Aread',
        headers: { ...form, dpop: await prover.proof('POST', `${app.url}/oauth/token`) },
      });
      expect([bound.status, bound.json['token_type']], bound.text).toEqual([200, 'DPoP']);
      const boundAccess = secret(bound.json['access_token'] as string);
      const proofs = (method: string, path: string, accessToken?: string) =>
        Promise.all(
          Array.from({ length: PROOFS }, () =>
            prover.proof(method, `${app.url}${path}`, accessToken === undefined ? {} : { accessToken }),
          ),
        );
      const pools: Pools = {
        clientSecret: [CLIENT_SECRET],
        basic: [BASIC],
        boundAccess: [boundAccess],
        dpopToken: await proofs('POST', '/oauth/token'),
        dpopLogin: await proofs('POST', '/auth/login'),
        dpopRefresh: await proofs('POST', '/auth/refresh'),
        dpopMe: await proofs('GET', '/me', boundAccess),
        access: [user.access],
        refresh: [secret(refresh!)],
        session: [session.cookie('__Host-portcullis-sid')!],
        device: [user.device],
        apiKey: [key.json['key'] as string],
        apiKeyId: [key.json['id'] as string, 'AAAAAAAAAAAA'],
        email: [user.email, bystander.email, user.email.toUpperCase(), 'nobody@example.com'],
        password: [user.password, freshPassword('wrong'), freshPassword('wrong')],
      };

      const report = await runHttpFuzz({
        port,
        origin: app.url,
        pools,
        random: createRandom(frameworkSeed),
        maxRequests: REQUESTS_PER_DEMO,
        budgetMs: BUDGET_MS,
        concurrency: CONCURRENCY,
        addresses: fuzzAddresses(framework),
        timeoutMs: 10_000,
      });
      console.info(`${framework} fuzz (FUZZ_SEED=${seed} replays it): ${describeReport(report)}`);
      expect(report.violations, `FUZZ_SEED=${seed}`).toEqual([]);
      expect(report.sent, 'requests sent within the budget').toBeGreaterThanOrEqual(MIN_REQUESTS);

      // Still up, and still itself.
      const after = createClient(app.url, { localAddress: freshClientAddress() });
      const health = await after('GET', '/healthz');
      expect([health.status, health.json]).toEqual([200, { status: 'ok' }]);
      for (const account of [user, bystander]) {
        // Its device cookie keeps it out of any lockout strangers (the fuzz) caused for its e-mail.
        const login = await after('POST', '/auth/login', {
          body: { email: account.email, password: account.password },
          headers: { cookie: `${DEVICE}=${account.device}` },
        });
        expect(login.status, `${account.email} signs in after the fuzz: ${login.text}`).toBe(200);
        const bearer = { authorization: `Bearer ${login.json['access_token']}` };
        const me = await after('GET', '/me', { headers: bearer });
        expect(me.json).toMatchObject({ email: account.email, role: 'user' });
        // No polluted prototype made anyone an admin.
        expect((await after('GET', '/admin/stats', { headers: bearer })).status).toBe(403);
        const rotated = await after('POST', '/auth/refresh', {
          body: { refresh_token: login.cookie(REFRESH) },
        });
        expect(rotated.status, 'a fresh refresh token rotates').toBe(200);
        const replay = await after('POST', '/auth/refresh', {
          body: { refresh_token: login.cookie(REFRESH) },
        });
        expect(replay.status, 'and only once').toBe(401);
      }

      // The client still gets its tokens (its credentials were never the fuzz's to break).
      const token = await after('POST', '/oauth/token', {
        raw: 'grant_type=client_credentials',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
      });
      expect(token.status, `the client gets a token after the fuzz: ${token.text}`).toBe(200);
      secret(token.json['access_token'] as string);

      const log = app.output();
      // Not vacuous: the app logged the fuzz's requests, and the fuzz knows what it must not find.
      expect(log).toContain('"path":"/auth/login"');
      expect(secretsSeen.has(user.password) && secretsSeen.has(user.access)).toBe(true);
      const leaked = [...secretsSeen].filter((value) => log.includes(value));
      expect(
        leaked.map((value) => `${value.slice(0, 10)}…`),
        'secrets in the app log',
      ).toEqual([]);
    },
    BUDGET_MS + 60_000,
  );
});
