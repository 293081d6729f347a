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
  // The bare route again, measured as any other row: how far from 1.00× the method itself lands.
  { key: 'bareControl', route: 'bare', credentials: 'none', label: 'bare again (control)' },
  {
    key: 'emptyMiddleware',
    route: 'emptyMiddleware',
    credentials: 'none',
    label: 'empty middleware, no auth (ceiling)',
  },
  {
    key: 'securityHeaders',
    route: 'securityHeaders',
    credentials: 'none',
    label: 'securityHeaders() middleware, no auth',
  },
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
  /** Every run of every row, in order, each with the bare runs just before and after it (see `Bracketed`). */
  rounds: Partial<Record<RowKey, Bracketed[]>>;
  /** The extra back-to-back runs of portcullis and the peer with fresh tokens (`LOAD.freshPairs`). */
  freshPairs: FreshPair[];
  /** Why a row has no numbers (no peer for the algorithm, a failed check) or what went wrong in it. */
  notes: Map<RowKey, string>;
}

/**
 * One run of a row and the mean of the bare runs right before and right after it: a drift of the machine's
 * speed over the three runs weighs on both sides of the row's ratio to bare alike. A bare run is its own
 * bracket.
 */
export interface Bracketed {
  run: LoadResult;
  bare: { rps: number; serverMicrosPerRequest: number };
}

/** A portcullis run and a peer run with fresh tokens, one right after the other. */
export interface FreshPair {
  portcullis: LoadResult;
  peer: LoadResult;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Relative = (run: Bracketed['bare'], base: Bracketed['bare']) => number;
const byRps: Relative = (run, base) => run.rps / base.rps;
/** The ratio from server CPU per request: the req/s ratio a server with a whole core to itself would see. */
const byCpu: Relative = (run, base) => base.serverMicrosPerRequest / run.serverMicrosPerRequest;

/**
 * The median over rounds of `key`'s run against the mean of the bare runs right before and after it, so
 * that a slow stretch of a shared machine (2× here within minutes) weighs on both sides of a ratio rather
 * than on whichever row happened to run in it.
 */
function bareRatio(combo: ComboResult, key: RowKey, relative: Relative): number | undefined {
  return median((combo.rounds[key] ?? []).map((entry) => relative(entry.run, entry.bare)));
}

const rpsRatio = (combo: ComboResult, key: RowKey) => bareRatio(combo, key, byRps);
const cpuRatio = (combo: ComboResult, key: RowKey) => bareRatio(combo, key, byCpu);

/** Portcullis with fresh tokens against the peer: the median pair's ratio, and how many pairs were ≥ 1. */
interface FreshVsPeer {
  ratio: number;
  atLeastPeer: number;
  pairs: number;
}

/**
 * Every pair of runs of portcullis and the peer with fresh tokens: run i of each in the rounds, then the
 * extra back-to-back pairs. Each run is set against its partner directly: going through two bare brackets
 * would add their noise too.
 */
function freshVsPeer(combo: ComboResult, relative: Relative): FreshVsPeer | undefined {
  const ours = combo.rounds.portcullisFresh ?? [];
  const peers = combo.rounds.peerFresh ?? [];
  const ratios = [
    ...Array.from({ length: Math.min(ours.length, peers.length) }, (_, i) =>
      relative(ours[i]!.run, peers[i]!.run),
    ),
    ...combo.freshPairs.map((pair) => relative(pair.portcullis, pair.peer)),
  ];
  const ratio = median(ratios);
  if (ratio === undefined) return undefined;
  return { ratio, atLeastPeer: ratios.filter((r) => r >= 1).length, pairs: ratios.length };
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
      { header: 'bare again', align: 'right' },
      { header: 'empty middleware', align: 'right' },
      { header: 'securityHeaders()', align: 'right' },
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
      both(combo, 'bareControl'),
      both(combo, 'emptyMiddleware'),
      both(combo, 'securityHeaders'),
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
  const freshVerdict = (result: FreshVsPeer | undefined) =>
    result === undefined
      ? 'n/a'
      : `${verdict(result.ratio, 1)} (${result.atLeastPeer}/${result.pairs} pairs ≥ 1)`;
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
      combo.peerAvailable ? freshVerdict(freshVsPeer(combo, byRps)) : noPeer,
      combo.peerAvailable ? freshVerdict(freshVsPeer(combo, byCpu)) : noPeer,
    ]),
  );
}
