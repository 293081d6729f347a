// A registration flood must not starve logins: one client's login timed one request at a time through
// `createAuth`'s routes (in-process, memory stores), idle and while 64 concurrent registrations hammer
// `POST /auth/register` — from one address (the per-address register limit answers) and from a new address
// per request (only the hashing queue stands in the way). The same flood against a hasher whose queue is
// opened wide (every hash straight to the libuv threadpool, as before the queue) is the baseline.
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type AuthRoute,
  createAuth,
  createMemoryStores,
  createMemoryUserDirectory,
  type PasswordHasherOptions,
} from '@portcullis/core';
import { formatMs, formatRatio, printTable } from './format.js';
import { BENCH_PASSWORD } from './passwords.js';

/** Timed logins per scenario, one at a time. */
const LOGINS = Number(process.env['BENCH_FLOOD_LOGINS'] ?? 100);
const FLOOD_CONCURRENCY = 64;
/** Time the flood runs before the first timed login, so that the queue is full when logins start. */
const FLOOD_HEAD_START_MS = 500;
const ORIGIN = 'http://127.0.0.1:3000';
const LOGIN_IP = '198.51.100.10';
const TARGET_RATIO = 3;

interface Setup {
  name: string;
  passwords: PasswordHasherOptions;
}

const SETUPS: readonly Setup[] = [
  { name: 'bounded queue (defaults)', passwords: {} },
  // As good as no queue: every hash goes to libuv, whose own queue is first come, first served.
  { name: 'queue opened wide (baseline)', passwords: { maxConcurrent: 1024, maxQueued: 10_000 } },
];

type Flood = 'none' | 'one address' | 'new address per request';
const FLOODS: readonly Flood[] = ['none', 'one address', 'new address per request'];

interface Outcome {
  setup: string;
  flood: Flood;
  logins: number[];
  failedLogins: number;
  statuses: Map<number, number>;
  registrationsPerSecond: number;
}

const percentile = (samples: readonly number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

function json(method: 'POST', url: string, body: unknown, ip: string) {
  return { method, url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ip };
}

async function scenario(setup: Setup, flood: Flood): Promise<Outcome> {
  const users = createMemoryUserDirectory();
  const auth = await createAuth({
    stores: createMemoryStores(),
    users,
    issuer: ORIGIN,
    audience: 'bench',
    appOrigin: ORIGIN,
    apiKeyPepper: 'bench-flood-pepper-8Vt3kQ9wZ2mR5xN7cB4j',
    registration: 'open',
    mail: { mailer: { send: async () => {} } },
    passwords: setup.passwords,
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
      json('POST', '/auth/login', { email: 'owner@example.com', password: BENCH_PASSWORD }, LOGIN_IP),
    );
    return { ms: performance.now() - started, ok: response.status === 200 };
  };
  await loginOnce(); // warm-up: the dummy hash, the key, the common-password list

  const statuses = new Map<number, number>();
  let stopped = flood === 'none';
  let sent = 0;
  const worker = async (id: number) => {
    for (let n = 0; !stopped; n++) {
      sent++;
      const ip =
        flood === 'one address'
          ? '203.0.113.7'
          : `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`;
      const response = await register.handle(
        json(
          'POST',
          '/auth/register',
          { email: `flood-${id}-${n}@example.com`, password: `${BENCH_PASSWORD}-${id}-${n}` },
          ip,
        ),
      );
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      await nextTurn(); // a client's next request comes over the network, never in the same turn
    }
  };
  const floodStarted = performance.now();
  const workers = flood === 'none' ? [] : Array.from({ length: FLOOD_CONCURRENCY }, (_, id) => worker(id));
  if (flood !== 'none') await new Promise((resolve) => setTimeout(resolve, FLOOD_HEAD_START_MS));

  const logins: number[] = [];
  let failedLogins = 0;
  for (let i = 0; i < LOGINS; i++) {
    const { ms, ok } = await loginOnce();
    logins.push(ms);
    if (!ok) failedLogins++;
  }
  stopped = true;
  const floodSeconds = (performance.now() - floodStarted) / 1000;
  await Promise.all(workers);
  const registered = statuses.get(201) ?? 0;
  return {
    setup: setup.name,
    flood,
    logins,
    failedLogins,
    statuses,
    registrationsPerSecond: flood === 'none' ? 0 : registered / floodSeconds,
  };
}

/**
 * Login latency idle and under a 64-concurrent registration flood, with the hashing queue's defaults and
 * with the queue opened wide. Target: with the defaults, login p99 during a flood within 3× the idle p99.
 */
export async function floodBench(): Promise<void> {
  const outcomes: Outcome[] = [];
  for (const setup of SETUPS) for (const flood of FLOODS) outcomes.push(await scenario(setup, flood));

  const idleP99 = (setup: string) =>
    percentile(outcomes.find((o) => o.setup === setup && o.flood === 'none')?.logins ?? [], 99);
  const count = (o: Outcome, status: number) => String(o.statuses.get(status) ?? 0);
  const others = (o: Outcome) =>
    String(
      [...o.statuses].filter(([status]) => ![201, 429, 503].includes(status)).reduce((n, [, c]) => n + c, 0),
    );
  printTable(
    `POST /auth/login, ${LOGINS} logins one at a time (ms), idle and under ${FLOOD_CONCURRENCY} concurrent registrations; ` +
      `UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}; p99 is nearest-rank`,
    [
      { header: 'hasher' },
      { header: 'flood' },
      { header: 'p50', align: 'right' },
      { header: 'p99', align: 'right' },
      { header: 'max', align: 'right' },
      { header: 'p99 ÷ idle p99', align: 'right' },
      { header: 'login ≠ 200', align: 'right' },
      { header: '201', align: 'right' },
      { header: '503', align: 'right' },
      { header: '429', align: 'right' },
      { header: 'other', align: 'right' },
      { header: '201/s', align: 'right' },
    ],
    outcomes.map((o) => [
      o.setup,
      o.flood,
      formatMs(percentile(o.logins, 50)),
      formatMs(percentile(o.logins, 99)),
      formatMs(Math.max(...o.logins)),
      o.flood === 'none' ? 'baseline' : formatRatio(percentile(o.logins, 99) / idleP99(o.setup)),
      String(o.failedLogins),
      ...(o.flood === 'none'
        ? ['–', '–', '–', '–', '–']
        : [count(o, 201), count(o, 503), count(o, 429), others(o), o.registrationsPerSecond.toFixed(1)]),
    ]),
  );
  const defaults = SETUPS[0]!.name;
  const worst = Math.max(
    ...outcomes
      .filter((o) => o.setup === defaults && o.flood !== 'none')
      .map((o) => percentile(o.logins, 99)),
  );
  const ratio = worst / idleP99(defaults);
  console.log(
    `with the defaults, the worst login p99 under a flood is ${formatRatio(ratio)} the idle p99 ` +
      `(target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'PASS' : 'MISS'})`,
  );
}
