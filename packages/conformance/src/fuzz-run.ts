// Runs the HTTP fuzz against one demo: a few connections at a time, each a generated plan, until the
// request count or the time budget is spent. Checks every outcome as it comes and keeps a tally of who
// answered what: the app (its security headers are on every answer it makes) or the HTTP server itself.
import { secret } from './client.js';
import type { Pools } from './fuzz-pools.js';
import { createRandom, type Random } from './fuzz-random.js';
import { type ConnectionPlan, planConnection, toWire } from './fuzz-requests.js';
import { sendOnOneConnection, type WireOutcome, type WireRequest, type WireResponse } from './fuzz-wire.js';

export interface FuzzOptions {
  port: number;
  origin: string;
  pools: Pools;
  random: Random;
  maxRequests: number;
  budgetMs: number;
  concurrency: number;
  /** Loopback source addresses to spread the requests over (each a client with limits of its own). */
  addresses: readonly string[];
  /** How long one response may take. */
  timeoutMs: number;
}

export interface FuzzReport {
  sent: number;
  elapsedMs: number;
  /** Statuses the app answered, by status. */
  app: Map<number, number>;
  /** Statuses the HTTP server (Node, the framework before the app) answered itself, by status. */
  server: Map<number, number>;
  /** The same, by what was odd about the request (`chunked-junk 400`). */
  serverByKind: Map<string, number>;
  /** Connections that ended without an answer, by how, for requests that did not have to be answered. */
  unanswered: Map<string, number>;
  violations: string[];
}

const APP_HEADER = 'x-content-type-options';
const CREDENTIAL_COOKIES = /^__Host-portcullis-(access|refresh|sid|device)$/;

/** Routes that issue tokens: a DPoP refusal there is 400 (RFC 9449 §5); anywhere else 401 + challenge (§7.1). */
const DPOP_TOKEN_ROUTES = new Set([
  '/auth/login',
  '/auth/refresh',
  '/auth/mfa/verify',
  '/auth/passkeys/login',
  '/oauth/token',
]);

/** The route path of a request's label (`POST /auth/login?x [length, 12 B]`), as a lenient router sees it. */
function routePathOf(label: string): string {
  const target = label.split(' ')[1] ?? '';
  return (target.split(/[?#]/)[0] ?? '')
    .toLowerCase()
    .replace(/\/+/g, '/')
    .replace(/(.)\/$/, '$1');
}

const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

/** Takes the credentials an answer handed out into the pools (remembered as secrets: never to be logged). */
function harvest(pools: Pools, response: WireResponse): void {
  const add = (pool: keyof Pools, value: unknown) => {
    if (typeof value !== 'string' || value.length === 0 || pools[pool].includes(value)) return;
    pools[pool].push(secret(value));
    if (pools[pool].length > 50) pools[pool].splice(2, 1); // keep the set-up's own values at the front
  };
  const setCookie = response.headers['set-cookie'];
  if (setCookie !== undefined)
    for (const line of setCookie.split(/,(?=\s*__Host-)/)) {
      const [pair = ''] = line.trim().split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const kind = CREDENTIAL_COOKIES.exec(name)?.[1];
      if (kind !== undefined) add(kind === 'sid' ? 'session' : (kind as keyof Pools), value);
    }
  try {
    const body = JSON.parse(response.body) as Record<string, unknown>;
    add('access', body['access_token']);
    if (typeof body['key'] === 'string') {
      add('apiKey', body['key']);
      if (typeof body['id'] === 'string' && !pools.apiKeyId.includes(body['id']))
        pools.apiKeyId.push(body['id']);
    }
  } catch {
    // not JSON
  }
}

/** What must hold of each outcome of one connection; tallies them into `report`, returns the violations. */
export function checkOutcomes(
  requests: readonly WireRequest[],
  outcomes: readonly WireOutcome[],
  report: FuzzReport,
  pipelined: boolean,
): string[] {
  const found: string[] = [];
  // Pipelined behind a malformed request (or a CONNECT), a good one may be cut off when the server
  // refuses the other and closes: only an all-good pipeline must be answered in full.
  const answerable = !pipelined || requests.every((request) => request.wellFormed);
  outcomes.forEach((outcome, i) => {
    const request = requests[i]!;
    const previous = outcomes[i - 1];
    // The contract's keep-alive rule is the app's: after the server's own refusal (of a request it found
    // malformed) the connection is the server's to close.
    const mustAnswer =
      answerable &&
      request.wellFormed &&
      (i === 0 ||
        (requests[i - 1]!.wellFormed &&
          typeof previous === 'object' &&
          previous.headers[APP_HEADER] === 'nosniff' &&
          !/close/i.test(previous.headers['connection'] ?? '')));
    if (typeof outcome === 'string') {
      const afterOwn =
        typeof previous === 'object' &&
        previous.headers[APP_HEADER] !== 'nosniff' &&
        !/close/i.test(previous.headers['connection'] ?? '');
      if (mustAnswer && outcome === 'reset' && request.oversizedBody)
        bump(report.unanswered, 'reset while an oversized body was still being sent');
      else if (mustAnswer)
        found.push(
          `${request.label} (${request.kind}, head ${request.bytes.indexOf('\r\n\r\n') + 4} B): ${outcome} instead of an answer${
            typeof previous === 'object'
              ? `, on the connection that had answered ${previous.status} to ${requests[i - 1]!.label} (${JSON.stringify(previous.headers)})`
              : ''
          }`,
        );
      else
        bump(
          report.unanswered,
          afterOwn
            ? `${outcome} after the server's own ${previous.status} without Connection: close`
            : outcome,
        );
      return;
    }
    const byApp = outcome.headers[APP_HEADER] === 'nosniff';
    bump(byApp ? report.app : report.server, outcome.status);
    if (!byApp) bump(report.serverByKind, `${request.kind} ${outcome.status}`);
    if (!byApp && request.wellFormed && process.env['FUZZ_DEBUG'])
      console.info(
        'server answered a well-formed request',
        outcome.status,
        `#${i}`,
        requests.map((r) => r.label.slice(0, 60)),
        outcomes.map((o) => (typeof o === 'string' ? o : o.status)),
        JSON.stringify(outcome.body.slice(0, 200)),
      );
    if (outcome.status >= 500)
      found.push(`${request.label}: ${outcome.status} ${outcome.body.slice(0, 200)}`);
    if (byApp && outcome.status >= 400 && request.method !== 'HEAD') {
      let error: Record<string, unknown> = {};
      try {
        error = JSON.parse(outcome.body) as Record<string, unknown>;
      } catch {
        // refused below
      }
      if (typeof error['error'] !== 'string' || typeof error['error_description'] !== 'string')
        found.push(
          `${request.label}: ${outcome.status} without the contract's JSON error: ${outcome.body.slice(0, 200)}`,
        );
      else if (error['error'] === 'invalid_dpop_proof' || error['error'] === 'use_dpop_nonce') {
        const challenge = outcome.headers['www-authenticate'] ?? '';
        if (DPOP_TOKEN_ROUTES.has(routePathOf(request.label))) {
          if (outcome.status !== 400)
            found.push(`${request.label}: a DPoP refusal at a token route with ${outcome.status}, not 400`);
        } else if (outcome.status !== 401 || !/^DPoP /.test(challenge))
          found.push(
            `${request.label}: a DPoP refusal of a resource with ${outcome.status} and WWW-Authenticate ${JSON.stringify(challenge)}, not 401 and DPoP`,
          );
      }
    }
  });
  if (found.length > 0 && process.env['FUZZ_DEBUG'])
    console.info(
      'violating connection',
      requests.map((r) => `${r.kind}: ${r.label.slice(0, 70)}`),
      outcomes.map((o) =>
        typeof o === 'string' ? o : `${o.status} ${JSON.stringify(o.headers['connection'])}`,
      ),
    );
  return found;
}

export function emptyReport(): FuzzReport {
  return {
    sent: 0,
    elapsedMs: 0,
    app: new Map(),
    server: new Map(),
    serverByKind: new Map(),
    unanswered: new Map(),
    violations: [],
  };
}

/** Sends generated connections until `maxRequests` or `budgetMs`, `concurrency` at a time. */
export async function runHttpFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const report = emptyReport();
  const started = performance.now();
  const host = `127.0.0.1:${options.port}`;
  // Planned up front from the seed, in order, so that a seed replays the same requests.
  const plans: ConnectionPlan[] = [];
  for (let planned = 0; planned < options.maxRequests; ) {
    const plan = planConnection(options.random, options.origin, host);
    plans.push(plan);
    planned += plan.templates.length;
  }
  let next = 0;
  const worker = async () => {
    while (next < plans.length && report.sent < options.maxRequests) {
      if (performance.now() - started > options.budgetMs) return;
      const index = next++;
      const plan = plans[index]!;
      const writing = createRandom(plan.seed);
      const requests = plan.templates.map((template) => {
        const request = toWire(template, options.pools, writing);
        // Pipelined behind a malformed request, a good one may get the server's refusal of the other.
        return plan.pipeline ? { ...request, kind: `pipelined ${request.kind}` } : request;
      });
      report.sent += requests.length;
      const outcomes = await sendOnOneConnection(options.port, requests, {
        localAddress: options.addresses[index % options.addresses.length]!,
        timeoutMs: options.timeoutMs,
        pipeline: plan.pipeline,
        endAfterWrite: plan.endAfterWrite,
      });
      for (const outcome of outcomes) if (typeof outcome === 'object') harvest(options.pools, outcome);
      report.violations.push(...checkOutcomes(requests, outcomes, report, plan.pipeline));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

/** The tally as one line per answerer, for the test's output. */
export function describeReport(report: FuzzReport): string {
  const line = (map: Map<unknown, number>) =>
    [...map]
      .sort(([a], [b]) => String(a).localeCompare(String(b)))
      .map(([key, n]) => `${key}×${n}`)
      .join(' ');
  return [
    `${report.sent} requests in ${report.elapsedMs} ms`,
    `  app:        ${line(report.app)}`,
    `  server's own: ${line(report.server) || '(none)'}`,
    `    by request: ${line(report.serverByKind) || '(none)'}`,
    `  unanswered (malformed or after a close): ${line(report.unanswered) || '(none)'}`,
  ].join('\n');
}
