// The load generator: autocannon's programmatic API, in this process, against a server child.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import type { ServerChild } from './child.js';

export const AUTOCANNON_VERSION = (
  createRequire(import.meta.url)('autocannon/package.json') as { version: string }
).version;

export const LOAD = {
  connections: 32,
  pipelining: 1,
  /** Seconds of warm-up per row (JIT, caches, connection set-up), once, before the first round; not counted. */
  warmupSeconds: 1,
  /** Seconds measured per run: short, so that a run and the bare runs around it are a second apart. */
  seconds: 0.5,
  /**
   * Seconds of unmeasured load on a run's own route right before it. Without it, the bare runs — each of
   * which follows another row — paid for the garbage of the heavy rows before them while every other row
   * followed a light bare run: on Nest the control row ("bare again") read 1.11–1.18× bare.
   */
  leadInSeconds: 0.25,
  /**
   * Rounds over all rows of a server, a bare run between any two runs of other rows: on the 2-core VM this
   * was built on, the same bare route went from 23 to 45 µs a request within minutes, so a row is only
   * compared with bare runs next to it. Each row also keeps its best run, as measure.ts does.
   */
  rounds: Number(process.env['BENCH_HTTP_ROUNDS'] ?? 10),
  /**
   * Extra back-to-back runs of portcullis and the peer with fresh tokens, after the rounds (which go first
   * alternating): on Express and Nest a full verification is a few % of a request, less than one run's noise
   * (±5–10% in a slow stretch here), so the comparison needs more pairs than the rounds give.
   */
  freshPairs: Number(process.env['BENCH_HTTP_FRESH_PAIRS'] ?? 20),
  /**
   * autocannon stops a run at its next sample tick: with its default of 1 s, a 0.5 s run would last 1 s.
   * Rates are computed over the run's actual duration either way.
   */
  sampleIntervalMs: 250,
} as const;

/**
 * What each request carries: nothing, always the same token, the next of a list of tokens, or a DPoP-bound
 * token with the next of a list of single-use proofs (`next()` hands out each once).
 */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'reused'; token: string }
  | { kind: 'fresh'; tokens: readonly string[] }
  | { kind: 'dpop'; token: string; next: () => string };

export interface LoadResult {
  /** Responses per second over the measured run. */
  rps: number;
  /** 99th-percentile latency, ms. */
  p99: number;
  /**
   * Server CPU time per response, µs: what a request costs the server whatever share of its core it got,
   * so much less sensitive than req/s to other processes taking the core.
   */
  serverMicrosPerRequest: number;
  /** Server CPU time over wall time during the run: ≈ 1 means the server (one core) was the bottleneck. */
  serverBusy: number;
  /** This process's CPU time over wall time (autocannon, one core). */
  clientBusy: number;
  /**
   * CPU time of everything else on the machine over wall time, in cores (Linux: /proc/stat, steal
   * included): other processes competing for the two cores. `undefined` where it cannot be read.
   */
  othersBusy: number | undefined;
  /** Non-2xx responses, socket errors and timeouts: any of them means the row measured something else. */
  failures: number;
}

// The fresh-token cursor lives across runs (warm-up and measured run continue the same cycle).
let next = 0;

function options(port: number, path: string, credentials: Credentials, seconds: number): autocannon.Options {
  const base: autocannon.Options = {
    url: `http://127.0.0.1:${port}${path}`,
    connections: LOAD.connections,
    pipelining: LOAD.pipelining,
    duration: seconds,
    sampleInt: LOAD.sampleIntervalMs,
  };
  switch (credentials.kind) {
    case 'none':
      return base;
    case 'reused':
      return { ...base, headers: { authorization: `Bearer ${credentials.token}` } };
    case 'fresh': {
      // One shared cursor over all connections: consecutive requests carry consecutive tokens, so that a
      // token comes back only after every other one has been sent. setupRequest rebuilds the request
      // bytes each time (a few µs of the client's core).
      const headers = credentials.tokens.map((token) => `Bearer ${token}`);
      return {
        ...base,
        requests: [
          {
            setupRequest(request) {
              request.headers = { ...request.headers, authorization: headers[next++ % headers.length] };
              return request;
            },
          },
        ],
      };
    }
    case 'dpop': {
      const authorization = `DPoP ${credentials.token}`;
      return {
        ...base,
        requests: [
          {
            setupRequest(request) {
              request.headers = { ...request.headers, authorization, dpop: credentials.next() };
              return request;
            },
          },
        ],
      };
    }
  }
}

/** CPU time the whole machine has spent busy, in µs (user, nice, system, irq, softirq, steal), if readable. */
function machineBusyMicros(): number | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '').trim().split(/\s+/);
    if (fields[0] !== 'cpu') return undefined;
    const [user, nice, system, , , irq, softirq, steal] = fields.slice(1).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, n) => sum + (n ?? 0), 0);
    return ticks * 10_000; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Sends load for `seconds` (default `LOAD.warmupSeconds`), measuring nothing. */
export async function warmUp(
  server: ServerChild,
  path: string,
  credentials: Credentials,
  seconds: number = LOAD.warmupSeconds,
): Promise<void> {
  await autocannon(options(server.port, path, credentials, seconds));
}

/**
 * One measured run of `LOAD.seconds`, after `LOAD.leadInSeconds` of the same load; the server's CPU time
 * is read around the measured part. No garbage collection is forced before it: a full collection right
 * before a 0.5 s run made the server's next half second up to 1.8× slower (Hono's bare route 26.7 → 48.4 µs
 * a request, measured here) and some routes more than others.
 */
export async function measureLoad(
  server: ServerChild,
  path: string,
  credentials: Credentials,
): Promise<LoadResult> {
  await warmUp(server, path, credentials, LOAD.leadInSeconds);
  const serverBefore = await server.cpuMicros();
  const machineBefore = machineBusyMicros();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon(options(server.port, path, credentials, LOAD.seconds));
  const wallMicros = (performance.now() - started) * 1000;
  const client = process.cpuUsage(clientBefore);
  const machineAfter = machineBusyMicros();
  const serverAfter = await server.cpuMicros();
  const clientMicros = client.user + client.system;
  const serverMicros = serverAfter - serverBefore;
  return {
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    serverMicrosPerRequest: serverMicros / Math.max(1, result.requests.total),
    serverBusy: serverMicros / wallMicros,
    clientBusy: clientMicros / wallMicros,
    othersBusy:
      machineBefore === undefined || machineAfter === undefined
        ? undefined
        : Math.max(0, machineAfter - machineBefore - serverMicros - clientMicros) / wallMicros,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
