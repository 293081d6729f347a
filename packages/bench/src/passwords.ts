import {
  type Algorithm,
  type Options as Argon2Options,
  hash as argon2Hash,
  verify as argon2Verify,
  type Version,
} from '@node-rs/argon2';
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { createPasswordHasher, type PasswordHasher } from '@portcullis/core';
import { formatMs, formatRatio, printTable } from './format.js';

/** Timed runs per argon2id operation, and per bcrypt one (bcrypt cost 12 is ten times slower). */
const ARGON2_RUNS = 20;
const BCRYPT_RUNS = Number(process.env['BENCH_BCRYPT_RUNS'] ?? 10);
const BCRYPT_COST = 12;
/** With legacy bcrypt on, the four kinds of login must answer within this of each other (median to median). */
const LOGIN_SPREAD_TARGET = 1.15;

/** Long enough for the default policy (12 code points) and on no common-password list. */
export const BENCH_PASSWORD = 'quartz-velvet-lagoon-7319';
const WRONG_PASSWORD = 'quartz-velvet-lagoon-7318';
/** A wrong password whose NFKC form differs from what is typed (a decomposed ä): once twice the bcrypt work. */
const WRONG_DECOMPOSED = 'qua\u0308rtz-velvet-lagoon-7318';

/**
 * The argon2id options core hashes with, spelled out for calling @node-rs/argon2 directly. `Algorithm` and
 * `Version` are ambient const enums, unreadable under `isolatedModules`: argon2id is 2, version 0x13 is 1.
 */
export function rawArgon2Options(hasher: PasswordHasher): Argon2Options {
  return { algorithm: 2 as Algorithm, version: 1 as Version, outputLen: 32, ...hasher.argon2 };
}

/** Millisecond samples of one operation. */
interface Series {
  name: string;
  runs: number;
  /** One call; rejects (failing the run) when the outcome is not the expected one. */
  run: () => Promise<void>;
  samples: number[];
  note: string;
}

const mean = (samples: readonly number[]) => samples.reduce((sum, x) => sum + x, 0) / samples.length;

/** Nearest-rank percentile: of 20 samples, p99 is the slowest. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const series = (name: string, runs: number, run: () => Promise<void>, note = ''): Series => ({
  name,
  runs,
  run,
  samples: [],
  note,
});

/**
 * Runs every series once untimed (warm-up and check), then `passes` times interleaved: one call of each per
 * pass, each pass starting one series later, so that a busy moment on the machine hits every row alike and
 * no row always runs right after the slow bcrypt ones.
 */
async function interleave(all: readonly Series[], passes: number): Promise<void> {
  for (const s of all) await s.run();
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < all.length; i++) {
      const s = all[(pass + i) % all.length] as Series;
      if (pass >= s.runs) continue;
      const started = performance.now();
      await s.run();
      s.samples.push(performance.now() - started);
    }
  }
}

const median = (x: Series) => percentile(x.samples, 50);

// Ratios are paired: the median over passes of a's run / b's run in the same pass. A mean, or a ratio of
// means, swings with whatever else the machine runs during one or two of the runs.
const pairedRatio = (a: Series, b: Series) =>
  percentile(
    a.samples.map((x, i) => x / (b.samples[i] ?? Number.NaN)),
    50,
  );

const COLUMNS = [
  { header: 'operation' },
  { header: 'runs', align: 'right' },
  { header: 'mean ms', align: 'right' },
  { header: 'p99 ms', align: 'right' },
  { header: 'median ms', align: 'right' },
  { header: 'min ms', align: 'right' },
  { header: 'ratio (paired)', align: 'right' },
  { header: 'note' },
] as const;

function rowsOf(all: readonly Series[], versus: ReadonlyMap<Series, string>): string[][] {
  return all.map((s) => [
    s.name,
    String(s.samples.length),
    formatMs(mean(s.samples)),
    formatMs(percentile(s.samples, 99)),
    formatMs(median(s)),
    formatMs(Math.min(...s.samples)),
    versus.get(s) ?? '',
    s.note,
  ]);
}

function expect(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected)
    throw new Error(`passwords: ${what} gave ${String(actual)}, not ${String(expected)}`);
}

/**
 * argon2id with core's defaults (OWASP: m=19456 KiB, t=2, p=1): `hash` and `verify` against @node-rs/argon2
 * called directly with the same parameters, and the unknown-user dummy verify against a wrong-password verify
 * (equal cost is the point: an unknown e-mail must not answer faster). Then the same hasher with legacy bcrypt
 * on (`bcrypt: { cost: 12 }`): an unknown e-mail, an argon2id account, a cost-12 bcrypt account and a wrapped
 * one must all answer a login in the same time.
 */
export async function passwordsBench(): Promise<void> {
  await argon2Table();
  await legacyBcryptTable();
}

async function argon2Table(): Promise<void> {
  const hasher = createPasswordHasher();
  const options = rawArgon2Options(hasher);
  const stored = await hasher.hash(BENCH_PASSWORD);
  await hasher.verify(null, BENCH_PASSWORD); // computes the dummy hash once, as the first unknown user would

  const rows = {
    coreHash: series('core hash', ARGON2_RUNS, async () => {
      await hasher.hash(BENCH_PASSWORD);
    }),
    rawHash: series('@node-rs/argon2 hash', ARGON2_RUNS, async () => {
      await argon2Hash(BENCH_PASSWORD, options);
    }),
    coreVerify: series('core verify, right password', ARGON2_RUNS, async () => {
      expect((await hasher.verify(stored, BENCH_PASSWORD)).valid, true, 'verify');
    }),
    rawVerify: series('@node-rs/argon2 verify', ARGON2_RUNS, async () => {
      expect(await argon2Verify(stored, BENCH_PASSWORD), true, 'raw verify');
    }),
    wrong: series('core verify, wrong password', ARGON2_RUNS, async () => {
      expect((await hasher.verify(stored, WRONG_PASSWORD)).valid, false, 'wrong password');
    }),
    unknownUser: series('core verify(null, pw), unknown user', ARGON2_RUNS, async () => {
      expect((await hasher.verify(null, BENCH_PASSWORD)).valid, false, 'unknown user');
    }),
  };
  const all = Object.values(rows);
  await interleave(all, ARGON2_RUNS);

  const ratio = (a: Series, b: Series) => formatRatio(pairedRatio(a, b));
  const versus = new Map<Series, string>([
    [rows.coreHash, `${ratio(rows.coreHash, rows.rawHash)} raw`],
    [rows.rawHash, 'baseline'],
    [rows.coreVerify, `${ratio(rows.coreVerify, rows.rawVerify)} raw`],
    [rows.rawVerify, 'baseline'],
    [rows.wrong, `${ratio(rows.wrong, rows.rawVerify)} raw`],
    [rows.unknownUser, `${ratio(rows.unknownUser, rows.wrong)} wrong pw`],
  ]);
  const { memoryCost, timeCost, parallelism } = hasher.argon2;
  printTable(
    `Password hashing — argon2id m=${memoryCost} KiB, t=${timeCost}, p=${parallelism} (OWASP); one call at a time`,
    COLUMNS,
    rowsOf(all, versus),
  );
  const sameCost = pairedRatio(rows.unknownUser, rows.wrong);
  console.log(
    `unknown user / wrong password: ${formatRatio(sameCost)} (median of per-pass ratios; within 0.90–1.10×: ` +
      `${sameCost >= 0.9 && sameCost <= 1.1 ? 'PASS' : 'MISS'}); p99 of ${ARGON2_RUNS} runs is the slowest run`,
  );
}

async function legacyBcryptTable(): Promise<void> {
  const hasher = createPasswordHasher({ bcrypt: { cost: BCRYPT_COST } });
  const argon2id = await hasher.hash(BENCH_PASSWORD);
  const legacy = await bcryptHash(BENCH_PASSWORD, { cost: BCRYPT_COST });
  const wrapped = await hasher.wrapLegacyBcryptHash(legacy);
  await hasher.verify(null, BENCH_PASSWORD); // the dummy hashes, made once on first use

  const login = (name: string, stored: string | null, password: string, valid: boolean, note = '') =>
    series(
      name,
      BCRYPT_RUNS,
      async () => {
        expect((await hasher.verify(stored, password)).valid, valid, name);
      },
      note,
    );
  const rows = {
    unknown: login('unknown e-mail', null, WRONG_PASSWORD, false, 'dummy bcrypt + dummy argon2id'),
    argon2Wrong: login(
      'argon2id account, wrong password',
      argon2id,
      WRONG_PASSWORD,
      false,
      'dummy bcrypt + argon2id',
    ),
    bcryptWrong: login(
      `bcrypt cost ${BCRYPT_COST} account, wrong password`,
      legacy,
      WRONG_PASSWORD,
      false,
      'bcrypt + dummy argon2id',
    ),
    wrappedWrong: login(
      'wrapped account, wrong password',
      wrapped,
      WRONG_PASSWORD,
      false,
      'bcrypt + argon2id',
    ),
    bcryptDecomposed: login(
      `bcrypt cost ${BCRYPT_COST} account, wrong, decomposed ä`,
      legacy,
      WRONG_DECOMPOSED,
      false,
      'NFKC form differs from the text typed',
    ),
    argon2Right: login('argon2id account, right password', argon2id, BENCH_PASSWORD, true),
    bcryptRight: login(
      `bcrypt cost ${BCRYPT_COST} account, right password`,
      legacy,
      BENCH_PASSWORD,
      true,
      'argon2id is the upgrade',
    ),
    wrappedRight: login('wrapped account, right password', wrapped, BENCH_PASSWORD, true, '+ the upgrade'),
    rawBcrypt: series(`@node-rs/bcrypt verify, cost ${BCRYPT_COST}`, BCRYPT_RUNS, async () => {
      expect(await bcryptVerify(BENCH_PASSWORD, legacy), true, 'raw bcrypt verify');
    }),
  };
  const all = Object.values(rows);
  await interleave(all, BCRYPT_RUNS);

  const versus = new Map<Series, string>(
    all.map((s) => [
      s,
      s === rows.unknown ? 'baseline' : `${formatRatio(pairedRatio(s, rows.unknown))} unknown`,
    ]),
  );
  printTable(
    `Logins with legacy bcrypt on (bcrypt: { cost: ${BCRYPT_COST} }), same argon2id; core verify, one call at a time`,
    COLUMNS,
    rowsOf(all, versus),
  );
  const spread = (list: readonly Series[]) => {
    const medians = list.map(median);
    return Math.max(...medians) / Math.min(...medians);
  };
  const wrongSpread = spread([rows.unknown, rows.argon2Wrong, rows.bcryptWrong, rows.wrappedWrong]);
  const allSpread = spread(all.filter((s) => s !== rows.rawBcrypt));
  console.log(
    `slowest ÷ fastest median, unknown / argon2id / bcrypt / wrapped with a wrong password: ${formatRatio(wrongSpread)} ` +
      `(target ≤ ${formatRatio(LOGIN_SPREAD_TARGET)}: ${wrongSpread <= LOGIN_SPREAD_TARGET ? 'PASS' : 'MISS'}); ` +
      `every login row, right passwords and upgrades included: ${formatRatio(allSpread)}`,
  );
}
