// A registration flood must not starve logins: one client's login timed one request at a time through
// `createAuth`'s routes (in-process, memory stores), idle and while 64 concurrent registrations hammer
// `POST /auth/register` — from one address (the per-address register limit answers) and from a new address
// per request (only the hashing queue stands in the way). The same flood against a hasher whose queue is
// opened wide (every hash straight to the libuv threadpool, as before the queue) is the baseline. Scenarios
// run in interleaved rounds, idle included, so that what other processes do hits every row alike.
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import {
  createAuth,
  createMemoryStores,
  createMemoryUserDirectory,
  type PasswordHasherOptions,
} from '@portcullis/core';
import type { AuthRoute } from '@portcullis/core/auth';
import { formatMs, formatRatio, printTable } from './format.js';
import { BENCH_PASSWORD } from './passwords.js';

/** Timed logins per scenario, one at a time, spread over the rounds. */
const LOGINS = Number(process.env['BENCH_FLOOD_LOGINS'] ?? 120);
const ROUNDS = 3;
/** A scenario stops timing logins after this long in a round, whatever their number (the baseline's are slow). */
const ROUND_BUDGET_MS = 8_000;
const FLOOD_CONCURRENCY = 64;
/** Network round trip between a flood client's answer and its next request: the closest a remote client gets. */
const FLOOD_RTT_MS = Number(process.env['BENCH_FLOOD_RTT_MS'] ?? 1);
/** Time the flood runs before the first timed login, so that the queue is full when logins start. */
const FLOOD_HEAD_START_MS = 500;
const ORIGIN = 'http://127.0.0.1:3000';
const LOGIN_IP = '198.51.100.10';
const TARGET_RATIO = 3;

type Flood = 'none' | 'one address' | 'new address per request';

interface Scenario {
  hasher: string;
  passwords: PasswordHasherOptions;
  flood: Flood;
  /** Round trip of the flood's clients, in ms; 0 sends the next request on the next turn of the loop. */
  rttMs: number;
  /** Counts towards the target. */
  target: boolean;
}

const DEFAULTS = 'bounded queue (defaults)';
const THREADPOOL = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4);
const SCENARIOS: readonly Scenario[] = [
  { hasher: DEFAULTS, passwords: {}, flood: 'none', rttMs: 0, target: false },
  { hasher: DEFAULTS, passwords: {}, flood: 'one address', rttMs: FLOOD_RTT_MS, target: true },
  { hasher: DEFAULTS, passwords: {}, flood: 'new address per request', rttMs: FLOOD_RTT_MS, target: true },
  // No round trip at all: in-process, the flood's cheap 503s then keep the event loop busy on their own.
  { hasher: DEFAULTS, passwords: {}, flood: 'new address per request', rttMs: 0, target: false },
  // The same queue without leaving a core to logins: hashes on every slot but the one kept for logins.
  {
    hasher: `bounded queue, ${THREADPOOL - 1} hash slots`,
    passwords: { maxConcurrentHashes: Math.max(1, THREADPOOL - 1) },
    flood: 'new address per request',
    rttMs: FLOOD_RTT_MS,
    target: false,
  },
  // As good as no queue: every hash goes to libuv, whose own queue is first come, first served.
  {
    hasher: 'queue opened wide (baseline)',
    passwords: { maxConcurrent: 1024, maxConcurrentHashes: 1024, maxQueued: 10_000 },
    flood: 'new address per request',
    rttMs: FLOOD_RTT_MS,
    target: false,
  },
];

interface Outcome extends Scenario {
  logins: number[];
  failedLogins: number;
  statuses: Map<number, number>;
  floodSeconds: number;
}

const percentile = (samples: readonly number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

function json(url: string, body: unknown, ip: string) {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ip,
  };
}

/** A new IPv4 address for each request: no per-address limit ever sees two. */
const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

async function run(scenario: Scenario, logins: number, outcome: Outcome): Promise<void> {
  const users = createMemoryUserDirectory();
  const auth = await createAuth({
    stores: createMemoryStores(),
    users,
    issuer: ORIGIN,
    audience: 'bench',
    appOrigin: ORIGIN,
    apiKeys: { pepper: 'bench-flood-pepper-8Vt3kQ9wZ2mR5xN7cB4j' },
    registration: 'open',
    mail: { mailer: { send: async () => {} } },
    passwords: scenario.passwords,
  });
  const route = (path: string) => auth.routes.find((r) => r.path === path) as AuthRoute;
  const login = route('/auth/login');
  const register = route('/auth/register');
  await users.create({
    email: 'owner@example.com',
    passwordHash: await auth.passwords.hash(BENCH_PASSWORD),
    role: 'user',
    emailVerified: true,
  });
  const loginOnce = async () => {
    const started = performance.now();
    const response = await login.handle(
      json('/auth/login', { email: 'owner@example.com', password: BENCH_PASSWORD }, LOGIN_IP),
    );
    return { ms: performance.now() - started, ok: response.status === 200 };
  };
  await loginOnce(); // warm-up: the dummy hash, the signing key, the common-password list

  const statuses = outcome.statuses;
  let stopped = scenario.flood === 'none';
  let sent = 0;
  const worker = async (id: number) => {
    for (let n = 0; !stopped; n++) {
      sent++;
      const ip = scenario.flood === 'one address' ? '203.0.113.7' : address(sent);
      const body = { email: `flood-${id}-${n}@example.com`, password: `${BENCH_PASSWORD}-${id}-${n}` };
      const response = await register.handle(json('/auth/register', body, ip));
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      // A client's next request comes over the network: at least a turn of the loop, and a round trip.
      if (scenario.rttMs > 0) await sleep(scenario.rttMs);
      else await nextTurn();
    }
  };
  const floodStarted = performance.now();
  const workers = stopped ? [] : Array.from({ length: FLOOD_CONCURRENCY }, (_, id) => worker(id));
  if (!stopped) await new Promise((resolve) => setTimeout(resolve, FLOOD_HEAD_START_MS));

  const deadline = performance.now() + ROUND_BUDGET_MS;
  for (let i = 0; i < logins && performance.now() < deadline; i++) {
    const { ms, ok } = await loginOnce();
    outcome.logins.push(ms);
    if (!ok) outcome.failedLogins++;
  }
  stopped = true;
  outcome.floodSeconds += (performance.now() - floodStarted) / 1000;
  await Promise.all(workers);
}

/**
 * Login latency idle and under a 64-concurrent registration flood: the hashing queue's defaults, the same
 * queue with hashes on every slot but one, and the queue opened wide, in interleaved rounds. Target: with the
 * defaults, login p99 during a flood (clients a round trip away) within 3× the idle p99.
 */
export async function floodBench(): Promise<void> {
  const outcomes: Outcome[] = SCENARIOS.map((scenario) => ({
    ...scenario,
    logins: [],
    failedLogins: 0,
    statuses: new Map(),
    floodSeconds: 0,
  }));
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, scenario] of SCENARIOS.entries())
      await run(scenario, Math.ceil(LOGINS / ROUNDS), outcomes[i] as Outcome);
  const idle = outcomes.filter((o) => o.flood === 'none').flatMap((o) => o.logins);
  const idleP99 = percentile(idle, 99);
  const floods = outcomes.filter((o) => o.flood !== 'none');

  const count = (o: Outcome, status: number) => String(o.statuses.get(status) ?? 0);
  const others = (o: Outcome) =>
    String(
      [...o.statuses].filter(([status]) => ![201, 429, 503].includes(status)).reduce((n, [, c]) => n + c, 0),
    );
  const row = (o: { hasher: string; flood: string; logins: number[] }, round: string, rest: string[]) => [
    o.hasher,
    o.flood,
    round,
    String(o.logins.length),
    formatMs(percentile(o.logins, 50)),
    formatMs(percentile(o.logins, 99)),
    formatMs(Math.max(...o.logins)),
    ...rest,
  ];
  printTable(
    `POST /auth/login one at a time (ms), idle and under ${FLOOD_CONCURRENCY} concurrent POST /auth/register; ` +
      `UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}, ${availableParallelism()} CPUs; ` +
      'p99 is nearest-rank',
    [
      { header: 'hasher' },
      { header: 'flood' },
      { header: 'round trip', align: 'right' },
      { header: 'logins', align: 'right' },
      { header: 'p50', align: 'right' },
      { header: 'p99', align: 'right' },
      { header: 'max', align: 'right' },
      { header: 'p99 ÷ idle', align: 'right' },
      { header: 'login ≠ 200', align: 'right' },
      { header: '201', align: 'right' },
      { header: '503', align: 'right' },
      { header: '429', align: 'right' },
      { header: 'other', align: 'right' },
      { header: '201/s', align: 'right' },
    ],
    [
      row({ hasher: DEFAULTS, flood: 'none', logins: idle }, '–', [
        'baseline',
        String(outcomes.filter((o) => o.flood === 'none').reduce((n, o) => n + o.failedLogins, 0)),
        ...['–', '–', '–', '–', '–'],
      ]),
      ...floods.map((o) =>
        row(o, o.rttMs > 0 ? `${o.rttMs} ms` : 'none', [
          formatRatio(percentile(o.logins, 99) / idleP99),
          String(o.failedLogins),
          count(o, 201),
          count(o, 503),
          count(o, 429),
          others(o),
          ((o.statuses.get(201) ?? 0) / o.floodSeconds).toFixed(1),
        ]),
      ),
    ],
  );
  const worst = Math.max(...floods.filter((o) => o.target).map((o) => percentile(o.logins, 99)));
  const ratio = worst / idleP99;
  console.log(
    `with the defaults and clients ${FLOOD_RTT_MS} ms away, the worst login p99 under a flood is ` +
      `${formatRatio(ratio)} the idle p99 (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'PASS' : 'MISS'}); ` +
      `${ROUNDS} interleaved rounds; a login ≠ 200 would be a 503 or 429 a user saw`,
  );
}
