// `pnpm bench http`: requests per second of a bare route, a portcullis-protected route and the same route
// behind the framework's usual JWT peer, per framework and algorithm, with autocannon over 127.0.0.1.
//
// Environment (optional):
//   BENCH_HTTP_ONLY=fastify,hono:EdDSA   only these frameworks / framework:algorithm pairs
//   BENCH_HTTP_PROFILE=/tmp/prof         write a V8 CPU profile of each server child there (--cpu-prof)
import { availableParallelism } from 'node:os';
import { type AlgorithmFixture, CLAIMS, createAlgorithmFixture } from '../fixtures.js';
import { formatOps } from '../format.js';
import { checkRoute } from './check.js';
import {
  type Placement,
  pinBenchProcess,
  type ServerChild,
  startServerChild,
  unpinBenchProcess,
} from './child.js';
import { AUTOCANNON_VERSION, type Credentials, LOAD, measureLoad, warmUp } from './load.js';
import {
  FRAMEWORKS,
  type Framework,
  HTTP_ALGORITHMS,
  type HttpAlgorithm,
  ROUTES,
  type RouteName,
  servesRoute,
} from './protocol.js';
import {
  type Bracketed,
  type ComboResult,
  printCombo,
  printSummary,
  printTargets,
  ROWS,
  type RowKey,
} from './report.js';

/** The verifier's default cache holds 10 000 tokens: a token back only after twice as many others is never admitted. */
const VERIFIER_CACHE_ENTRIES = 10_000;
const FRESH_TOKENS = 2 * VERIFIER_CACHE_ENTRIES;

/** What the framework does on routes besides the one being measured, for the table's header. */
const FRAMEWORK_NOTES: Record<Framework, string> = {
  express: 'express 5; portcullis(auth).authenticate() middleware; pc.errorHandler last',
  fastify:
    'fastify 5; portcullis plugin registered at the root (its onSend security-headers hook runs on all ' +
    'three routes) + authenticate() onRequest hook on /portcullis',
  hono:
    'hono 4 on @hono/node-server; authenticate(auth) middleware on /portcullis, protect(auth, handler) on ' +
    '/portcullis-handler (one handler: no middleware compose), an empty middleware on /empty-middleware, ' +
    'securityHeaders() alone on /security-headers; onError(auth)',
  nest:
    'nest 11 on platform-express; PortcullisModule.forRoot: its global guard (skipped by @Public() on ' +
    '/bare and /peer) and security-headers middleware run on all three routes',
};

interface TokenSet {
  fixture: AlgorithmFixture;
  fresh: readonly string[];
}

function selected(framework: Framework, alg: HttpAlgorithm): boolean {
  const only = process.env['BENCH_HTTP_ONLY'];
  if (only === undefined || only.trim() === '') return true;
  return only.split(',').some((entry) => {
    const [f, a] = entry.trim().split(':');
    return f === framework && (a === undefined || a === alg);
  });
}

async function issueTokens(alg: HttpAlgorithm): Promise<TokenSet> {
  const fixture = await createAlgorithmFixture(alg);
  const fresh: string[] = [];
  for (let i = 0; i < FRESH_TOKENS; i++) fresh.push((await fixture.issuer.issue(CLAIMS)).token);
  return { fixture, fresh };
}

interface TimedRow {
  key: RowKey;
  path: string;
  credentials: Credentials;
}

/**
 * Checks every route, then warms each row up and measures it `LOAD.rounds` times, with a bare run before
 * and after each run of another row. Returns the check's notes.
 */
async function measureCombo(server: ServerChild, tokens: TokenSet, combo: ComboResult): Promise<string[]> {
  const { fixture, fresh } = tokens;
  const failures = new Map<RouteName, string>();
  const checkNotes: string[] = [];
  for (const route of Object.keys(ROUTES) as RouteName[]) {
    if (route === 'peer' && !server.peer.available) continue;
    if (!servesRoute(combo.framework, route)) continue;
    const check = await checkRoute(server.port, route, {
      reused: fixture.token,
      fresh: fresh[fresh.length - 1] ?? fixture.token,
      refused: fixture.refused,
    });
    if (check.failure !== undefined) failures.set(route, check.failure);
    if (check.oddRefusals !== undefined) checkNotes.push(`${ROUTES[route]} ${check.oddRefusals}`);
  }
  const timed: TimedRow[] = [];
  for (const row of ROWS) {
    if (!servesRoute(combo.framework, row.route)) continue;
    if (row.route === 'peer' && !server.peer.available) {
      combo.notes.set(row.key, server.peer.reason);
      continue;
    }
    const failure = failures.get(row.route);
    if (failure !== undefined) {
      combo.notes.set(row.key, `CHECK FAILED: ${failure}`);
      process.exitCode = 1;
      continue;
    }
    const credentials: Credentials =
      row.credentials === 'none'
        ? { kind: 'none' }
        : row.credentials === 'reused'
          ? { kind: 'reused', token: fixture.token }
          : { kind: 'fresh', tokens: fresh };
    timed.push({ key: row.key, path: ROUTES[row.route], credentials });
  }
  // Once, before the warm-ups, which also absorb the slow seconds that follow a full collection.
  await server.collect();
  for (const row of timed) await warmUp(server, row.path, row.credentials);
  const measure = async (row: TimedRow) => {
    const result = await measureLoad(server, row.path, row.credentials);
    const best = combo.results[row.key];
    if (best === undefined || result.rps > best.rps) combo.results[row.key] = result;
    const cost = combo.costs[row.key];
    if (cost === undefined || result.serverMicrosPerRequest < cost)
      combo.costs[row.key] = result.serverMicrosPerRequest;
    if (result.failures > 0) {
      combo.notes.set(row.key, `${result.failures} non-2xx responses, errors or timeouts`);
      process.exitCode = 1;
    }
    return result;
  };
  const record = (key: RowKey, entry: Bracketed) => {
    const rounds = combo.rounds[key] ?? [];
    rounds.push(entry);
    combo.rounds[key] = rounds;
  };
  const bare = timed.find((row) => row.key === 'bare');
  const others = timed.filter((row) => row !== bare);
  if (bare === undefined) {
    // Nothing to set a row against (bare failed its check): the rows are measured for their req/s only.
    for (let round = 0; round < LOAD.rounds; round++) for (const row of others) await measure(row);
    return checkNotes;
  }
  // bare, row 1, bare, row 2, bare, …: every row's run sits between two bare runs (its bracket).
  const bareRun = async () => {
    const run = await measure(bare);
    record('bare', { run, bare: run });
    return run;
  };
  let before = await bareRun();
  for (let round = 0; round < LOAD.rounds; round++) {
    // Every other round backwards: no row always follows the same one (whose garbage it may pay for).
    for (const row of round % 2 === 0 ? others : [...others].reverse()) {
      const run = await measure(row);
      const after = await bareRun();
      record(row.key, {
        run,
        bare: {
          rps: (before.rps + after.rps) / 2,
          serverMicrosPerRequest: (before.serverMicrosPerRequest + after.serverMicrosPerRequest) / 2,
        },
      });
      before = after;
    }
  }
  // Fresh vs peer, run next to each other with no bare run between them; which goes first alternates.
  const ours = timed.find((row) => row.key === 'portcullisFresh');
  const peer = timed.find((row) => row.key === 'peerFresh');
  if (ours !== undefined && peer !== undefined) {
    for (let pair = 0; pair < LOAD.freshPairs; pair++) {
      const first = pair % 2 === 0 ? ours : peer;
      const firstRun = await measure(first);
      const secondRun = await measure(first === ours ? peer : ours);
      combo.freshPairs.push(
        first === ours
          ? { portcullis: firstRun, peer: secondRun }
          : { portcullis: secondRun, peer: firstRun },
      );
    }
  }
  return checkNotes;
}

async function benchCombo(
  framework: Framework,
  alg: HttpAlgorithm,
  tokens: TokenSet,
  placement: Placement | undefined,
): Promise<ComboResult> {
  const server = await startServerChild({
    framework,
    alg,
    privateJwk: tokens.fixture.keyring.current().exportPrivateJwk(),
    placement,
    profileDir: process.env['BENCH_HTTP_PROFILE'],
  });
  const combo: ComboResult = {
    framework,
    alg,
    peerAvailable: server.peer.available,
    results: {},
    costs: {},
    rounds: {},
    freshPairs: [],
    notes: new Map(),
  };
  let checkNotes: string[];
  try {
    checkNotes = await measureCombo(server, tokens, combo);
  } finally {
    await server.stop();
  }
  printCombo(
    combo,
    `${framework} · ${alg} — ${FRAMEWORK_NOTES[framework]}\n` +
      `peer: ${server.peer.available ? server.peer.config : server.peer.reason}`,
  );
  for (const note of checkNotes) console.log(`check: ${note}`);
  return combo;
}

/** The `http` section: one server child per framework and algorithm, six rows each (nine on Hono). */
export async function httpBench(): Promise<void> {
  const placement = pinBenchProcess();
  try {
    console.log(
      `autocannon ${AUTOCANNON_VERSION} in this process → one server child at a time, 127.0.0.1, keep-alive, ` +
        `${LOAD.connections} connections, pipelining ${LOAD.pipelining}; ${LOAD.warmupSeconds} s warm-up per ` +
        `row, then ${LOAD.rounds} rounds of ${LOAD.seconds} s per row (BENCH_HTTP_ROUNDS), each run after ` +
        `${LOAD.leadInSeconds} s of unmeasured load on its own route, with a bare run ` +
        `before and after every run of another row (bare, row 1, bare, row 2, bare, …; every other round in ` +
        `reverse order); the server's garbage is collected once, before the warm-ups. "× bare" is the median ` +
        `over rounds of a run's req/s over the mean of the two bare runs around it (so that a slow stretch of ` +
        `the machine weighs on both); fresh vs peer is the median ratio of a portcullis run to a peer run over ` +
        `the rounds and ${LOAD.freshPairs} more pairs run back to back after them (BENCH_HTTP_FRESH_PAIRS; ` +
        `which goes first alternates), with how many pairs came out ≥ 1. ` +
        `"bare again" is the bare route measured as if it were another row: how far from 1.00× the method ` +
        `itself lands. req/s, p99 and the CPU shares come from each row's best run by req/s; µs/req is the ` +
        `lowest over its runs.`,
    );
    console.log(
      placement === undefined
        ? `CPUs: not pinned (${availableParallelism()} CPU(s) available to this process, or no taskset): ` +
            'server and load generator share the CPUs.'
        : `CPUs: server child pinned to CPU ${placement.serverCpu}, autocannon (this process) to CPU ` +
            `${placement.benchCpus} — with 2 cores, one each.`,
    );
    console.log(
      '"server", "client", "others": CPU time over wall time, in % of one core — the server child, ' +
        'autocannon, and everything else on the machine (/proc/stat). The server near 100% is the ' +
        'intended bottleneck. Below it, either autocannon was (client near 100%: bare req/s understated, ' +
        'every "× bare" overstated) or other processes took the core (others high: req/s low and noisy). ' +
        '"µs/req" is server CPU time per response and "× bare (CPU)" the ratio it gives: what a server ' +
        'with a core to itself would see, much less sensitive to other processes than req/s.',
    );
    console.log(
      `Tokens issued by portcullis (typ at+jwt). "reused": every request carries the same token (portcullis ` +
        `answers from its verified-token cache; revocation is still checked). "fresh": requests cycle through ` +
        `${formatOps(FRESH_TOKENS)} distinct tokens: each comes back only after ${formatOps(FRESH_TOKENS - 1)} ` +
        `others, more than the verifier's default cache of ${formatOps(VERIFIER_CACHE_ENTRIES)} holds, so its ` +
        `admission filter never caches them and every portcullis verification is a full one.`,
    );
    const combos: ComboResult[] = [];
    for (const alg of HTTP_ALGORITHMS) {
      if (!FRAMEWORKS.some((framework) => selected(framework, alg))) continue;
      const tokens = await issueTokens(alg);
      for (const framework of FRAMEWORKS) {
        if (selected(framework, alg)) combos.push(await benchCombo(framework, alg, tokens, placement));
      }
    }
    const order = (combo: ComboResult) =>
      FRAMEWORKS.indexOf(combo.framework) * HTTP_ALGORITHMS.length + HTTP_ALGORITHMS.indexOf(combo.alg);
    combos.sort((a, b) => order(a) - order(b));
    printSummary(combos);
    printTargets(combos);
  } finally {
    unpinBenchProcess(placement);
  }
}
