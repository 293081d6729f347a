// The HTTP section's tables: one per server (framework × algorithm), then a summary and the targets.
import { formatOps, formatRatio, printTable } from '../format.js';
import type { LoadResult } from './load.js';
import { type Framework, type HttpAlgorithm, type RouteName, servesRoute } from './protocol.js';

/** Target: portcullis's protected route with a reused token, relative to the bare route. */
export const REUSED_TARGET = 0.85;

/** The peers' protected/bare ratios the issue reports, for reference (measured elsewhere). */
const ISSUE_PEER_RATIO: Partial<Record<`${Framework}:${HttpAlgorithm}`, number>> = {
  'express:HS256': 0.76,
  'fastify:HS256': 0.49,
  'fastify:EdDSA': 0.18,
  'hono:HS256': 0.4,
  'hono:EdDSA': 0.2,
  'nest:HS256': 0.7,
};

export const ROWS = [
  { key: 'bare', route: 'bare', credentials: 'none', label: 'bare' },
  { key: 'portcullisReused', route: 'portcullis', credentials: 'reused', label: 'portcullis, reused token' },
  {
    key: 'handlerReused',
    route: 'handler',
    credentials: 'reused',
    label: 'portcullis protect(), reused token',
  },
  { key: 'peerReused', route: 'peer', credentials: 'reused', label: 'peer, reused token' },
  { key: 'portcullisFresh', route: 'portcullis', credentials: 'fresh', label: 'portcullis, fresh token' },
  { key: 'peerFresh', route: 'peer', credentials: 'fresh', label: 'peer, fresh token' },
] as const satisfies readonly { key: string; route: RouteName; credentials: string; label: string }[];
export type RowKey = (typeof ROWS)[number]['key'];

export interface ComboResult {
  framework: Framework;
  alg: HttpAlgorithm;
  peerAvailable: boolean;
  /** Each row's round with the most req/s (its p99 and CPU shares come from that round). */
  results: Partial<Record<RowKey, LoadResult>>;
  /** Each row's lowest server CPU per request over its rounds, µs. */
  costs: Partial<Record<RowKey, number>>;
  /** Every round of every row, in order: round i of each row ran within seconds of round i of the others. */
  rounds: Partial<Record<RowKey, LoadResult[]>>;
  /** Why a row has no numbers (no peer for the algorithm, a failed check) or what went wrong in it. */
  notes: Map<RowKey, string>;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The median over rounds of `measure(key's round i) / measure(to's round i)`. Paired by round, so that a
 * slow stretch of a shared machine (±20% here from one second to the next) weighs on both sides of a
 * ratio rather than on whichever row happened to run in it.
 */
function pairedRatio(
  combo: ComboResult,
  key: RowKey,
  to: RowKey,
  measure: (row: LoadResult, base: LoadResult) => number,
): number | undefined {
  const rows = combo.rounds[key] ?? [];
  const bases = combo.rounds[to] ?? [];
  const count = Math.min(rows.length, bases.length);
  return median(Array.from({ length: count }, (_, i) => measure(rows[i]!, bases[i]!)));
}

/** req/s of `key` over req/s of `to`, round by round. */
function rpsRatio(combo: ComboResult, key: RowKey, to: RowKey = 'bare'): number | undefined {
  return pairedRatio(combo, key, to, (row, base) => row.rps / base.rps);
}

/** The same ratio from server CPU per request: the req/s ratio a server with a whole core to itself would see. */
function cpuRatio(combo: ComboResult, key: RowKey, to: RowKey = 'bare'): number | undefined {
  return pairedRatio(combo, key, to, (row, base) => base.serverMicrosPerRequest / row.serverMicrosPerRequest);
}

const ratio = (value: number | undefined) => (value === undefined ? '–' : formatRatio(value));
const percent = (share: number | undefined) => (share === undefined ? '–' : `${Math.round(share * 100)}%`);

export function printCombo(combo: ComboResult, header: string): void {
  const rows = ROWS.filter((row) => servesRoute(combo.framework, row.route)).map((row) => {
    const result = combo.results[row.key];
    const note = combo.notes.get(row.key) ?? '';
    if (result === undefined) return [row.label, '–', '', '', '', '', '', '', '', note];
    return [
      row.label,
      formatOps(result.rps),
      ratio(rpsRatio(combo, row.key)),
      result.p99.toFixed(0),
      (combo.costs[row.key] ?? Number.NaN).toFixed(0),
      ratio(cpuRatio(combo, row.key)),
      percent(result.serverBusy),
      percent(result.clientBusy),
      percent(result.othersBusy),
      note,
    ];
  });
  printTable(
    header,
    [
      { header: 'route' },
      { header: 'req/s', align: 'right' },
      { header: '× bare', align: 'right' },
      { header: 'p99 ms', align: 'right' }, // autocannon records whole milliseconds
      { header: 'µs/req', align: 'right' },
      { header: '× bare (CPU)', align: 'right' },
      { header: 'server', align: 'right' },
      { header: 'client', align: 'right' },
      { header: 'others', align: 'right' },
      { header: 'note' },
    ],
    rows,
  );
}

export function printSummary(combos: readonly ComboResult[]): void {
  const both = (combo: ComboResult, key: RowKey) =>
    combo.results[key] === undefined
      ? '–'
      : `${ratio(rpsRatio(combo, key))} (${ratio(cpuRatio(combo, key))})`;
  printTable(
    'Summary: × bare of the same server, by req/s and (in parentheses) by server CPU per request',
    [
      { header: 'framework' },
      { header: 'alg' },
      { header: 'bare req/s', align: 'right' },
      { header: 'bare µs/req', align: 'right' },
      { header: 'portcullis reused', align: 'right' },
      { header: 'protect() reused', align: 'right' },
      { header: 'portcullis fresh', align: 'right' },
      { header: 'peer reused', align: 'right' },
      { header: 'peer fresh', align: 'right' },
      { header: "issue's peer", align: 'right' },
    ],
    combos.map((combo) => [
      combo.framework,
      combo.alg,
      combo.results.bare === undefined ? '–' : formatOps(combo.results.bare.rps),
      combo.costs.bare === undefined ? '–' : combo.costs.bare.toFixed(0),
      both(combo, 'portcullisReused'),
      both(combo, 'handlerReused'),
      both(combo, 'portcullisFresh'),
      both(combo, 'peerReused'),
      both(combo, 'peerFresh'),
      ratio(ISSUE_PEER_RATIO[`${combo.framework}:${combo.alg}`]),
    ]),
  );
}

export function printTargets(combos: readonly ComboResult[]): void {
  // Rounded down, so that a MISS never prints as the target itself (0.849 → 0.84×, not 0.85×).
  const verdict = (value: number | undefined, target: number) =>
    value === undefined
      ? 'n/a'
      : `${value >= target ? 'PASS' : 'MISS'} ${formatRatio(Math.floor(value * 100) / 100)}`;
  const noPeer = 'n/a (no peer)';
  printTable(
    'Targets (informational, never fails the run): by req/s, and by server CPU per request',
    [
      { header: 'framework' },
      { header: 'alg' },
      { header: `reused ≥ ${formatRatio(REUSED_TARGET)} bare` },
      { header: '(CPU)' },
      { header: 'reused, protect()' },
      { header: '(CPU)' },
      { header: 'fresh ≥ peer fresh' },
      { header: '(CPU)' },
    ],
    combos.map((combo) => [
      combo.framework,
      combo.alg,
      verdict(rpsRatio(combo, 'portcullisReused'), REUSED_TARGET),
      verdict(cpuRatio(combo, 'portcullisReused'), REUSED_TARGET),
      verdict(rpsRatio(combo, 'handlerReused'), REUSED_TARGET),
      verdict(cpuRatio(combo, 'handlerReused'), REUSED_TARGET),
      combo.peerAvailable ? verdict(rpsRatio(combo, 'portcullisFresh', 'peerFresh'), 1) : noPeer,
      combo.peerAvailable ? verdict(cpuRatio(combo, 'portcullisFresh', 'peerFresh'), 1) : noPeer,
    ]),
  );
}
