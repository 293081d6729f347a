import { createAccessTokenVerifier } from '@portcullis/core/tokens';
import { createVerifier } from 'fast-jwt';
import {
  type AlgorithmFixture,
  AUDIENCE,
  CLAIMS,
  CLOCK_TOLERANCE,
  createAlgorithmFixture,
  ISSUER,
} from './fixtures.js';
import { formatBytes, printTable } from './format.js';
import { heapUsedAfterGc } from './heap.js';

const ENTRIES = 10_000;

/** Anything that verifies a token, sync or async. */
type Verify = (token: string) => unknown;

/**
 * Issues `count` distinct tokens and verifies each `times` times (core admits a token to its cache on the
 * second sighting). No array holds them: afterwards a token is reachable only through the verifier's
 * cache, so the heap it costs is counted in full.
 */
async function fill(fixture: AlgorithmFixture, verify: Verify, count: number, times = 2): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { token } = await fixture.issuer.issue(CLAIMS);
    for (let t = 0; t < times; t++) await verify(token);
  }
}

/** Heap retained by `verify` after it has verified `ENTRIES` distinct tokens, per token. */
async function bytesPerToken(gc: () => void, fixture: AlgorithmFixture, verify: Verify): Promise<number> {
  const before = await heapUsedAfterGc(gc);
  await fill(fixture, verify, ENTRIES);
  const after = await heapUsedAfterGc(gc);
  return (after - before) / ENTRIES;
}

const coreVerifier = (fixture: AlgorithmFixture, cache: false | { maxEntries: number }) =>
  createAccessTokenVerifier({ keys: fixture.keyring, issuer: ISSUER, audience: AUDIENCE, cache });

const fastJwtVerifier = (fixture: AlgorithmFixture, cache: number) =>
  createVerifier({
    key: fixture.keys.fastJwtKey,
    algorithms: [fixture.alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    checkTyp: 'at+jwt',
    clockTolerance: CLOCK_TOLERANCE * 1000,
    cache,
  });

/**
 * Heap cost of the verified-token cache: bytes per cached token (token string, principal and map entry),
 * measured with `global.gc()` around filling a 10 000-entry cache, and the bound: 20 000 distinct tokens
 * leave 10 000 cached.
 */
export async function cacheHeapBench(): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) {
    console.log('\ncache-heap: skipped, run node with --expose-gc');
    return;
  }
  const fixture = await createAlgorithmFixture('EdDSA');
  // Warm-up, so that compiled code and one-off allocations are not counted as the cache's.
  const warm = coreVerifier(fixture, { maxEntries: 1000 });
  await fill(fixture, (token) => warm.verify(token), 2000);
  await fill(fixture, fastJwtVerifier(fixture, 1000), 2000);

  const cacheOff = coreVerifier(fixture, false);
  const core = coreVerifier(fixture, { maxEntries: ENTRIES });
  const fastJwt = fastJwtVerifier(fixture, ENTRIES);
  const rows = [
    [
      'core, cache: false (control)',
      formatBytes(await bytesPerToken(gc, fixture, (token) => cacheOff.verify(token))),
      String(cacheOff.cacheSize),
    ],
    [
      'core, maxEntries 10 000',
      formatBytes(await bytesPerToken(gc, fixture, (token) => core.verify(token))),
      String(core.cacheSize),
    ],
    ['fast-jwt, cache 10 000', formatBytes(await bytesPerToken(gc, fixture, fastJwt)), '(not exposed)'],
  ];
  printTable(
    `Verified-token cache heap — EdDSA, ${ENTRIES} distinct tokens of ${fixture.token.length} characters`,
    [
      { header: 'verifier' },
      { header: 'heap per cached token', align: 'right' },
      { header: 'cacheSize', align: 'right' },
    ],
    rows,
  );

  // Besides the entries: the admission filter, a fixed Int32Array of the next power of two ≥ 2 × maxEntries.
  let filterSlots = 2;
  while (filterSlots < 2 * ENTRIES) filterSlots *= 2;
  console.log(`plus a fixed admission filter per verifier: ${formatBytes(filterSlots * 4)}`);

  const bounded = coreVerifier(fixture, { maxEntries: ENTRIES });
  await fill(fixture, (token) => bounded.verify(token), 2 * ENTRIES);
  const verdict = bounded.cacheSize === ENTRIES ? 'PASS' : 'MISS';
  console.log(
    `bound: ${2 * ENTRIES} distinct tokens, each presented twice → cacheSize ${bounded.cacheSize} (max ${ENTRIES}): ${verdict}`,
  );
  const oneTime = coreVerifier(fixture, { maxEntries: ENTRIES });
  await fill(fixture, (token) => oneTime.verify(token), 2 * ENTRIES, 1);
  console.log(
    `admission: ${2 * ENTRIES} distinct tokens, each presented once → cacheSize ${oneTime.cacheSize} ` +
      `(${oneTime.cacheSize === 0 ? 'PASS' : 'MISS'}: a one-time token costs no insertion or eviction)`,
  );
}
