import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { verifySync } from '@node-rs/argon2';
import { createPasswordHasher } from '@portcullis/core';
import { formatMs, formatOps, printTable } from './format.js';
import { BENCH_PASSWORD } from './passwords.js';

/** Concurrent logins, as a burst of requests would start them. */
const CONCURRENCY = 8;
/**
 * Each scenario runs ROUNDS × ROUND_MS in all, its rounds interleaved with the other scenarios', and keeps its
 * quietest round (lowest p99), as measure.ts keeps each task's best round: what another process did to the
 * shared CPUs in one round does not show as the scenario's own delay. The worst max of all rounds is printed too.
 */
const ROUNDS = 3;
const ROUND_MS = 1000;

interface Scenario {
  name: string;
  note: string;
  /** Works until `until` (a `performance.now()` time); resolves how many verifications it completed. */
  work(until: number): Promise<number>;
  /** The round with the lowest p99 so far, in ns. */
  best: { p50: number; p99: number; max: number } | undefined;
  worstMax: number;
  operations: number;
  elapsedMs: number;
}

/**
 * Runs one round of a scenario under a fresh 1 ms loop-delay monitor. (A monitor cannot be paused between
 * rounds, as re-enabling it records the gap as one long delay, nor merged into another histogram.)
 */
async function round(scenario: Scenario): Promise<void> {
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  monitor.enable();
  const operations = await scenario.work(started + ROUND_MS);
  monitor.disable();
  scenario.elapsedMs += performance.now() - started;
  scenario.operations += operations;
  const seen = { p50: monitor.percentile(50), p99: monitor.percentile(99), max: monitor.max };
  if (scenario.best === undefined || seen.p99 < scenario.best.p99) scenario.best = seen;
  scenario.worstMax = Math.max(scenario.worstMax, seen.max);
}

const ms = (ns: number) => formatMs(ns / 1e6);

/**
 * Event-loop delay while logins hash: 8 concurrent `hasher.verify` calls (argon2id on the libuv threadpool,
 * OWASP parameters) started again as each ends, next to the idle loop and to the same verification done
 * synchronously on the main thread (@node-rs/argon2 `verifySync`, one per loop turn) — what a blocking hasher
 * would do to every other request. Values are the delays a 1 ms timer sees, so an idle loop reads ≈ 1 ms.
 */
export async function loopDelayBench(): Promise<void> {
  const hasher = createPasswordHasher();
  const stored = await hasher.hash(BENCH_PASSWORD);
  if (!(await hasher.verify(stored, BENCH_PASSWORD)).valid) throw new Error('loop-delay: verify failed');
  if (!verifySync(stored, BENCH_PASSWORD)) throw new Error('loop-delay: verifySync failed');

  const scenario = (name: string, note: string, work: Scenario['work']): Scenario => ({
    name,
    note,
    work,
    best: undefined,
    worstMax: 0,
    operations: 0,
    elapsedMs: 0,
  });
  const scenarios = [
    scenario('idle (baseline)', 'nothing to do but the timer', async (until) => {
      await sleep(until - performance.now());
      return 0;
    }),
    scenario(`${CONCURRENCY} concurrent hasher.verify`, 'argon2id on the libuv threadpool', async (until) => {
      let done = 0;
      const login = async () => {
        while (performance.now() < until) {
          await hasher.verify(stored, BENCH_PASSWORD);
          done++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, login));
      return done;
    }),
    scenario('verifySync on the main thread', 'what a blocking hasher does', async (until) => {
      let done = 0;
      while (performance.now() < until) {
        verifySync(stored, BENCH_PASSWORD);
        done++;
        await nextTurn(); // one verification per loop turn, as one per request would be
      }
      return done;
    }),
  ];
  for (let r = 0; r < ROUNDS; r++) for (const s of scenarios) await round(s);

  const threadpool = process.env['UV_THREADPOOL_SIZE'];
  printTable(
    `Event-loop delay — quietest of ${ROUNDS} interleaved ${ROUND_MS / 1000} s rounds per scenario; ` +
      `monitorEventLoopDelay resolution 1 ms; UV_THREADPOOL_SIZE=${threadpool ?? '4 (default)'}`,
    [
      { header: 'scenario' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'max ms', align: 'right' },
      { header: 'worst max ms', align: 'right' },
      { header: 'verifies/s', align: 'right' },
      { header: 'note' },
    ],
    scenarios.map((s) => [
      s.name,
      ms(s.best?.p50 ?? Number.NaN),
      ms(s.best?.p99 ?? Number.NaN),
      ms(s.best?.max ?? Number.NaN),
      ms(s.worstMax),
      s.operations === 0 ? '–' : formatOps((s.operations * 1000) / s.elapsedMs),
      s.note,
    ]),
  );
  console.log(
    `the hasher runs at most ${hasher.load().maxConcurrent} hashes at once (passwords.maxConcurrent, the threadpool ` +
      `size; each holding ${hasher.argon2.memoryCost} KiB); the other logins wait in its queue, and on few cores ` +
      'the hashing threads compete with the main thread for CPU',
  );
}
