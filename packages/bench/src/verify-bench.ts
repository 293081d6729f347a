import {
  type AlgorithmFixture,
  BENCH_ALGORITHMS,
  type BenchAlgorithm,
  createAlgorithmFixture,
} from './fixtures.js';
import { formatOps, formatRatio, formatRme, printTable } from './format.js';
import { type Measured, measure } from './measure.js';
import { type Contender, createContenders } from './verifiers.js';

/** Core's targets against the floor (uncached): HMAC is so cheap that parsing and claims weigh more there. */
const FLOOR_TARGET: Record<BenchAlgorithm, number> = { HS256: 0.5, ES256: 0.85, EdDSA: 0.85, RS256: 0.85 };

interface AlgorithmResult {
  alg: BenchAlgorithm;
  core?: Measured;
  fastJwt?: Measured;
  floor?: Measured;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Checks that a contender accepts the fixture's token and refuses the bad ones — all of them for a full
 * verifier, the tampered one for the floor — so that no timed row measures an error path.
 * Returns what went wrong, or `undefined`.
 */
async function check(contender: Contender, fixture: AlgorithmFixture): Promise<string | undefined> {
  try {
    await contender.bind(fixture.token)();
  } catch (error) {
    return `refused the valid token: ${messageOf(error)}`;
  }
  const refused = contender.kind === 'floor' ? { tampered: fixture.refused.tampered } : fixture.refused;
  for (const [what, token] of Object.entries(refused)) {
    try {
      await contender.bind(token)();
      return `accepted the ${what} token`;
    } catch {
      // refused, as it must be
    }
  }
  return undefined;
}

async function benchAlgorithm(alg: BenchAlgorithm): Promise<AlgorithmResult> {
  const fixture = await createAlgorithmFixture(alg);
  const contenders = createContenders(fixture);
  const failures = new Map<string, string>();
  for (const contender of contenders) {
    const failure = await check(contender, fixture);
    if (failure !== undefined) failures.set(contender.name, failure);
  }
  const timed = contenders.filter((c) => !failures.has(c.name));
  const results = await measure(
    timed.map((c) => ({ name: c.name, fn: c.bind(fixture.token), async: c.async })),
  );

  const floor = results.get('node:crypto floor');
  const rows = contenders.map((contender) => {
    const failure = failures.get(contender.name);
    const result = results.get(contender.name);
    if (failure !== undefined || result === undefined)
      return [contender.name, '–', '', '', `CHECK FAILED: ${failure}`];
    const vsFloor = floor === undefined ? '–' : formatRatio(result.opsPerSec / floor.opsPerSec);
    return [
      contender.name,
      formatOps(result.opsPerSec),
      formatRme(result.rme),
      vsFloor,
      contender.note ?? '',
    ];
  });
  if (alg === 'EdDSA') rows.push(['jsonwebtoken', '–', '', '', 'no EdDSA support']);
  const columns = [
    { header: 'verifier' },
    { header: 'ops/s', align: 'right' as const },
    { header: 'rme', align: 'right' as const },
    { header: '× floor', align: 'right' as const },
    { header: 'note' },
  ];
  printTable(`${alg} — token of ${fixture.token.length} characters`, columns, rows);

  const ratio = (a: string, b: string) => {
    const x = results.get(a);
    const y = results.get(b);
    return x === undefined || y === undefined ? '–' : formatRatio(x.opsPerSec / y.opsPerSec);
  };
  console.log(
    `core / fast-jwt: uncached ${ratio('core', 'fast-jwt')}, cached ${ratio('core (cached)', 'fast-jwt (cached)')}`,
  );
  if (failures.size > 0) process.exitCode = 1;

  const result: AlgorithmResult = { alg };
  const core = results.get('core');
  const fastJwt = results.get('fast-jwt');
  if (core !== undefined) result.core = core;
  if (fastJwt !== undefined) result.fastJwt = fastJwt;
  if (floor !== undefined) result.floor = floor;
  return result;
}

function printTargets(results: readonly AlgorithmResult[]): void {
  // Rounded down, so that a MISS never prints as the target itself (0.499 → 0.49×, not 0.50×).
  const verdict = (ratio: number | undefined, target: number) =>
    ratio === undefined
      ? 'n/a'
      : `${ratio >= target ? 'PASS' : 'MISS'} ${formatRatio(Math.floor(ratio * 100) / 100)}`;
  const rows = results.map(({ alg, core, fastJwt, floor }) => [
    alg,
    verdict(core && fastJwt && core.opsPerSec / fastJwt.opsPerSec, 1),
    `≥ ${formatRatio(FLOOR_TARGET[alg])}`,
    verdict(core && floor && core.opsPerSec / floor.opsPerSec, FLOOR_TARGET[alg]),
  ]);
  printTable(
    'Targets (uncached; informational, never fails the run)',
    [
      { header: 'algorithm' },
      { header: 'core ahead of fast-jwt' },
      { header: 'floor target' },
      { header: 'core vs floor' },
    ],
    rows,
  );
}

/**
 * Verify throughput: core's verifier against jose, fast-jwt, jsonwebtoken and the node:crypto floor, uncached
 * and cached, one table per algorithm, then the targets.
 */
export async function verifyBench(): Promise<void> {
  const results: AlgorithmResult[] = [];
  for (const alg of BENCH_ALGORITHMS) results.push(await benchAlgorithm(alg));
  printTargets(results);
}
