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
const BCRYPT_RUNS = 10;
const BCRYPT_COST = 12;

/** Long enough for the default policy (12 code points) and on no common-password list. */
export const BENCH_PASSWORD = 'quartz-velvet-lagoon-7319';
const WRONG_PASSWORD = 'quartz-velvet-lagoon-7318';

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

function expect(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected)
    throw new Error(`passwords: ${what} gave ${String(actual)}, not ${String(expected)}`);
}

/**
 * argon2id with core's defaults (OWASP: m=19456 KiB, t=2, p=1): `hash` and `verify` against @node-rs/argon2
 * called directly with the same parameters, the unknown-user dummy verify against a wrong-password verify
 * (equal cost is the point: an unknown e-mail must not answer faster), and the legacy bcrypt path. Runs are
 * interleaved (one call of each operation per pass, in a rotating order), so a busy moment on the machine
 * hits every row alike.
 */
export async function passwordsBench(): Promise<void> {
  const hasher = createPasswordHasher();
  const options = rawArgon2Options(hasher);
  const stored = await hasher.hash(BENCH_PASSWORD);
  const legacy = await bcryptHash(BENCH_PASSWORD, { cost: BCRYPT_COST });
  await hasher.verify(null, BENCH_PASSWORD); // computes the dummy hash once, as the first unknown user would

  const series = (name: string, runs: number, run: () => Promise<void>, note = ''): Series => ({
    name,
    runs,
    run,
    samples: [],
    note,
  });
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
    bcryptRight: series(
      `core verify, bcrypt cost ${BCRYPT_COST}, right password`,
      BCRYPT_RUNS,
      async () => {
        expect((await hasher.verify(legacy, BENCH_PASSWORD)).needsRehash, true, 'bcrypt verify');
      },
      'includes the argon2id rehash',
    ),
    bcryptWrong: series(`core verify, bcrypt cost ${BCRYPT_COST}, wrong password`, BCRYPT_RUNS, async () => {
      expect((await hasher.verify(legacy, WRONG_PASSWORD)).valid, false, 'bcrypt wrong password');
    }),
    rawBcrypt: series(`@node-rs/bcrypt verify, cost ${BCRYPT_COST}`, BCRYPT_RUNS, async () => {
      expect(await bcryptVerify(BENCH_PASSWORD, legacy), true, 'raw bcrypt verify');
    }),
  };
  const all = Object.values(rows);
  for (const s of all) await s.run(); // warm-up and check, untimed
  for (let pass = 0; pass < ARGON2_RUNS; pass++) {
    // Each pass starts one operation later, so no row always runs right after the slow bcrypt ones.
    for (let i = 0; i < all.length; i++) {
      const s = all[(pass + i) % all.length] as Series;
      if (pass >= s.runs) continue;
      const started = performance.now();
      await s.run();
      s.samples.push(performance.now() - started);
    }
  }

  // Ratios are paired: the median over passes of a's run / b's run in the same pass. A mean, or a ratio of
  // means, swings with whatever else the machine runs during one or two of the runs.
  const median = (x: Series) => percentile(x.samples, 50);
  const pairedRatio = (a: Series, b: Series) =>
    percentile(
      a.samples.map((x, i) => x / (b.samples[i] ?? Number.NaN)),
      50,
    );
  const ratio = (a: Series, b: Series) => formatRatio(pairedRatio(a, b));
  const versus = new Map<Series, string>([
    [rows.coreHash, `${ratio(rows.coreHash, rows.rawHash)} raw`],
    [rows.rawHash, 'baseline'],
    [rows.coreVerify, `${ratio(rows.coreVerify, rows.rawVerify)} raw`],
    [rows.rawVerify, 'baseline'],
    [rows.wrong, `${ratio(rows.wrong, rows.rawVerify)} raw`],
    [rows.unknownUser, `${ratio(rows.unknownUser, rows.wrong)} wrong pw`],
    [rows.bcryptRight, `${ratio(rows.bcryptRight, rows.rawBcrypt)} raw`],
    [rows.bcryptWrong, `${ratio(rows.bcryptWrong, rows.rawBcrypt)} raw`],
    [rows.rawBcrypt, 'baseline'],
  ]);
  const { memoryCost, timeCost, parallelism } = hasher.argon2;
  printTable(
    `Password hashing — argon2id m=${memoryCost} KiB, t=${timeCost}, p=${parallelism} (OWASP); one call at a time`,
    [
      { header: 'operation' },
      { header: 'runs', align: 'right' },
      { header: 'mean ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'median ms', align: 'right' },
      { header: 'min ms', align: 'right' },
      { header: 'ratio (paired)', align: 'right' },
      { header: 'note' },
    ],
    all.map((s) => [
      s.name,
      String(s.samples.length),
      formatMs(mean(s.samples)),
      formatMs(percentile(s.samples, 99)),
      formatMs(median(s)),
      formatMs(Math.min(...s.samples)),
      versus.get(s) ?? '',
      s.note,
    ]),
  );
  const sameCost = pairedRatio(rows.unknownUser, rows.wrong);
  console.log(
    `unknown user / wrong password: ${formatRatio(sameCost)} (median of per-pass ratios; within 0.90–1.10×: ` +
      `${sameCost >= 0.9 && sameCost <= 1.1 ? 'PASS' : 'MISS'}); p99 of ${ARGON2_RUNS} runs is the slowest run`,
  );
}
