// `pnpm bench dpop`: requests per second of portcullis's protected route with a DPoP-bound token and a
// fresh EdDSA proof on every request, against the same route with a plain bearer token, per framework, in
// the same server child and the same run. The target is ≥ 0.5× the bearer route.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { createDpopProver, type DpopProver } from '@portcullis/core';
import { CLAIMS, createAlgorithmFixture } from '../fixtures.js';
import { formatOps, formatRatio, printTable } from '../format.js';
import { pinBenchProcess, startServerChild, unpinBenchProcess } from './child.js';
import { type Credentials, LOAD, type LoadResult, measureLoad, warmUp } from './load.js';
import { FRAMEWORKS, type Framework, ROUTES } from './protocol.js';

export const DPOP_TARGET = 0.5;

/** Proofs made ahead of a run: signing them during it would load the client's core instead of the server's. */
async function proofsFor(client: DpopProver, url: string, token: string, count: number): Promise<string[]> {
  const proofs: string[] = [];
  for (let i = 0; i < count; i += 500)
    proofs.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(500, count - i) }, () =>
          client.proof('GET', url, { accessToken: token }),
        ),
      )),
    );
  return proofs;
}

function dpopCredentials(token: string, proofs: string[]): Credentials {
  let next = 0;
  // Past the end, the last proof again: a replay the server refuses, counted as a failure of the run.
  return { kind: 'dpop', token, next: () => proofs[Math.min(next++, proofs.length - 1)]! };
}

async function check(url: string, headers: Record<string, string>): Promise<string | undefined> {
  const response = await fetch(url, { headers });
  return response.status === 200 ? undefined : `${response.status} ${await response.text()}`;
}

/** Server CPU µs of one Ed25519 signature check (node:crypto), measured in this process: a proof's floor. */
function ed25519VerifyMicros(): number {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const data = Buffer.from('x'.repeat(300));
  const signature = sign(null, data, privateKey);
  for (let i = 0; i < 500; i++) verify(null, data, publicKey, signature);
  const started = process.cpuUsage();
  const count = 3000;
  for (let i = 0; i < count; i++) verify(null, data, publicKey, signature);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

interface DpopRow {
  framework: Framework;
  bearer: LoadResult;
  dpop: LoadResult;
  /** Median over rounds of a DPoP run against the mean of the bearer runs around it. */
  ratio: number;
  cpuRatio: number;
  /** The best ratio any server could reach that checks one Ed25519 signature per request, from CPU per request. */
  floor: number;
  failures: number;
  note?: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function benchFramework(
  framework: Framework,
  placement: ReturnType<typeof pinBenchProcess>,
): Promise<DpopRow> {
  const fixture = await createAlgorithmFixture('EdDSA');
  const client = await createDpopProver({ alg: 'EdDSA' });
  const bound = (await fixture.issuer.issue({ ...CLAIMS, confirmation: { jkt: client.jkt } })).token;
  const server = await startServerChild({
    framework,
    alg: 'EdDSA',
    privateJwk: fixture.keyring.current().exportPrivateJwk(),
    placement,
    profileDir: process.env['BENCH_HTTP_PROFILE'],
  });
  try {
    const url = `http://127.0.0.1:${server.port}${ROUTES.portcullis}`;
    const bearer: Credentials = { kind: 'reused', token: fixture.token };
    const refusedBearer = await check(url, { authorization: `Bearer ${fixture.token}` });
    const [firstProof] = await proofsFor(client, url, bound, 1);
    const refusedDpop = await check(url, { authorization: `DPoP ${bound}`, dpop: firstProof! });
    const replay = await fetch(url, { headers: { authorization: `DPoP ${bound}`, dpop: firstProof! } });
    if (refusedBearer !== undefined || refusedDpop !== undefined || replay.status !== 401)
      throw new Error(
        `CHECK FAILED: bearer ${refusedBearer ?? 200}, DPoP ${refusedDpop ?? 200}, replayed proof ${replay.status}`,
      );
    await server.collect();
    await warmUp(server, ROUTES.portcullis, bearer);
    let bearerRate = (await measureLoad(server, ROUTES.portcullis, bearer)).rps;
    const dpopRun = async (seconds: number, measured: boolean) => {
      // Enough proofs for the run at the bearer rate (DPoP is slower), with a margin.
      const count = Math.ceil(bearerRate * (seconds + 0.5) * 1.3) + 2000;
      const credentials = dpopCredentials(bound, await proofsFor(client, url, bound, count));
      if (!measured) {
        await warmUp(server, ROUTES.portcullis, credentials, seconds);
        return undefined;
      }
      return measureLoad(server, ROUTES.portcullis, credentials);
    };
    await dpopRun(LOAD.warmupSeconds, false);
    const rounds: Array<{ bearer: LoadResult; dpop: LoadResult; after: LoadResult }> = [];
    let before = await measureLoad(server, ROUTES.portcullis, bearer);
    for (let round = 0; round < LOAD.rounds; round++) {
      bearerRate = before.rps;
      const dpop = (await dpopRun(LOAD.leadInSeconds + LOAD.seconds, true))!;
      const after = await measureLoad(server, ROUTES.portcullis, bearer);
      rounds.push({ bearer: before, dpop, after });
      before = after;
    }
    const best = (runs: LoadResult[]) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));
    const bearerMicros = median(
      rounds.flatMap((r) => [r.bearer.serverMicrosPerRequest, r.after.serverMicrosPerRequest]),
    );
    const verifyMicros = ed25519VerifyMicros();
    return {
      framework,
      bearer: best(rounds.flatMap((r) => [r.bearer, r.after])),
      dpop: best(rounds.map((r) => r.dpop)),
      ratio: median(rounds.map((r) => r.dpop.rps / ((r.bearer.rps + r.after.rps) / 2))),
      cpuRatio: median(
        rounds.map(
          (r) =>
            (r.bearer.serverMicrosPerRequest + r.after.serverMicrosPerRequest) /
            2 /
            r.dpop.serverMicrosPerRequest,
        ),
      ),
      floor: bearerMicros / (bearerMicros + verifyMicros),
      failures: rounds.reduce((sum, r) => sum + r.dpop.failures + r.bearer.failures, 0),
    };
  } finally {
    await server.stop();
  }
}

/** The `dpop` section: one server child per framework, the bearer and the DPoP row in alternation. */
export async function dpopBench(): Promise<void> {
  const only = (process.env['BENCH_HTTP_ONLY'] ?? '')
    .split(',')
    .map((s) => s.trim().split(':')[0])
    .filter(Boolean);
  const placement = pinBenchProcess();
  try {
    console.log(
      `portcullis's protected route (/portcullis, the adapter's authenticate()) in one server child per framework: ` +
        `a reused plain bearer token (answered from the verified-token cache) against a reused DPoP-bound token ` +
        `with a fresh EdDSA proof on every request (signature, htm, htu, iat, ath, key thumbprint, and the jti ` +
        `spent in the memory store). Proofs are signed before each run. ${LOAD.rounds} rounds of bearer, DPoP, ` +
        `bearer…; "× bearer" is the median of a DPoP run over the mean of the bearer runs around it; ` +
        `"× bearer (CPU)" the same from server CPU per request. "floor" is bearer µs/req over bearer µs/req plus ` +
        `one bare Ed25519 verify (node:crypto, measured here): the most any server checking one proof ` +
        `signature per request could reach.`,
    );
    const rows: DpopRow[] = [];
    for (const framework of FRAMEWORKS) {
      if (only.length > 0 && !only.includes(framework)) continue;
      try {
        rows.push(await benchFramework(framework, placement));
      } catch (error) {
        console.log(`${framework}: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      }
    }
    printTable(
      'DPoP-protected route vs plain bearer route (EdDSA proofs)',
      [
        { header: 'framework' },
        { header: 'bearer req/s', align: 'right' },
        { header: 'DPoP req/s', align: 'right' },
        { header: '× bearer', align: 'right' },
        { header: '× bearer (CPU)', align: 'right' },
        { header: 'floor (CPU)', align: 'right' },
        { header: `target ≥ ${DPOP_TARGET}×` },
        { header: 'failures', align: 'right' },
      ],
      rows.map((row) => [
        row.framework,
        formatOps(row.bearer.rps),
        formatOps(row.dpop.rps),
        formatRatio(row.ratio),
        formatRatio(row.cpuRatio),
        formatRatio(row.floor),
        row.ratio >= DPOP_TARGET ? 'met' : 'MISSED',
        String(row.failures),
      ]),
    );
    if (rows.some((row) => row.failures > 0)) process.exitCode = 1;
  } finally {
    unpinBenchProcess(placement);
  }
}
