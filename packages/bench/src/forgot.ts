// `POST /auth/password/forgot` must not tell, by its timing, whether an e-mail has an account: the time to
// answer a known and an unknown e-mail, measured one request at a time as an attacker would, interleaved.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import {
  type AuthStores,
  createAuth,
  createMemoryStores,
  createMemoryUserDirectory,
  type Mailer,
  type UserDirectory,
} from '@portcullis/core';
import type { AuthRoute } from '@portcullis/core/auth';
import { createSqlUserDirectory } from '@portcullis/demo-kit';
import { createOutboxMailer } from '@portcullis/mail';
import { createPostgresStores } from '@portcullis/postgres';
import { isReachable } from '@portcullis/testkit';
import pg from 'pg';
import { formatMs, formatRatio, printTable } from './format.js';
import { BENCH_PASSWORD } from './passwords.js';

/** Timed calls per kind of e-mail (after `WARM_UP` untimed ones each). */
const CALLS = Number(process.env['BENCH_FORGOT_CALLS'] ?? 200);
const WARM_UP = 20;
const ORIGIN = 'http://127.0.0.1:3000';

interface Backend {
  name: string;
  stores: AuthStores;
  users: UserDirectory;
  close(): Promise<void>;
}

async function backends(): Promise<Backend[]> {
  const list: Backend[] = [
    {
      name: 'memory',
      stores: createMemoryStores(),
      users: createMemoryUserDirectory(),
      close: async () => {},
    },
  ];
  const lite = await PGlite.create();
  list.push({
    name: 'pglite (the demo default)',
    stores: await createPostgresStores(lite, { schema: 'bench_forgot' }),
    users: await createSqlUserDirectory(lite, 'bench_forgot'),
    close: () => lite.close(),
  });
  if (await isReachable('127.0.0.1', 5432, 500)) {
    const schema = `bench_forgot_${process.pid}`;
    const pool = new pg.Pool({
      connectionString: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
      max: 4,
    });
    list.push({
      name: 'postgres',
      stores: await createPostgresStores(pool, { schema }),
      users: await createSqlUserDirectory(pool, schema),
      async close() {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      },
    });
  } else {
    console.log('(PostgreSQL not reachable on 127.0.0.1:5432: its row is skipped)');
  }
  return list;
}

/** A mailer that counts the mails written, so that the bench can wait for the one an answer scheduled. */
function counting(mailer: Mailer) {
  let written = 0;
  return {
    mailer: {
      async send(message) {
        await mailer.send(message);
        written += 1;
      },
    } satisfies Mailer,
    written: () => written,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Kind = 'argon2id' | 'legacy' | 'unknown';
const ORDERS: readonly (readonly Kind[])[] = [
  ['argon2id', 'legacy', 'unknown'],
  ['unknown', 'argon2id', 'legacy'],
  ['legacy', 'unknown', 'argon2id'],
  ['argon2id', 'unknown', 'legacy'],
  ['legacy', 'argon2id', 'unknown'],
  ['unknown', 'legacy', 'argon2id'],
];

const median = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const p90 = (samples: readonly number[]) =>
  [...samples].sort((a, b) => a - b)[Math.ceil(0.9 * samples.length) - 1]!;

/**
 * Known (argon2id and legacy bcrypt accounts) and unknown e-mails, one request at a time, rotating which kind
 * goes first, each request after
 * the previous one's mail has been written to the outbox (as the demo writes it): what the bench times is the
 * answer alone, as a client sees it. Each call uses its own e-mail and client address, so that the route's
 * limits (5 an hour per address and per e-mail) are counted but never reached.
 */
export async function forgotBench(): Promise<void> {
  const rows: string[][] = [];
  for (const backend of await backends()) {
    const outbox = await mkdtemp(join(tmpdir(), 'portcullis-bench-outbox-'));
    try {
      const { mailer, written } = counting(createOutboxMailer({ dir: outbox, maxFiles: 10_000 }));
      const auth = await createAuth({
        stores: backend.stores,
        users: backend.users,
        issuer: ORIGIN,
        audience: 'bench',
        appOrigin: ORIGIN,
        apiKeys: { pepper: 'bench-forgot-pepper-4Jq8mX2vR7tK9wN3zB6c' },
        mail: { mailer },
      });
      const route = auth.routes.find((r) => r.path === '/auth/password/forgot') as AuthRoute;
      const total = CALLS + WARM_UP;
      // Two kinds of known account: forgot never reads the hash, and the bench shows that it cannot tell.
      const hashes = {
        argon2id: await auth.passwords.hash(BENCH_PASSWORD),
        legacy: await bcryptHash(BENCH_PASSWORD, { cost: 12 }),
      };
      for (let i = 0; i < total; i++) {
        for (const kind of ['argon2id', 'legacy'] as const) {
          await backend.users.create({
            email: `${kind}-${i}@example.com`,
            passwordHash: hashes[kind],
            role: 'user',
            emailVerified: true,
          });
        }
      }
      const timed = { argon2id: [] as number[], legacy: [] as number[], unknown: [] as number[] };
      let address = 0;
      // The token and the mail for a known e-mail are made after the answer: the next request waits for them
      // (and, for either kind, a little longer), so that no request is timed while another's work runs.
      const call = async (email: string, known: boolean): Promise<number> => {
        address += 1;
        const before = written();
        const started = performance.now();
        const response = await route.handle({
          method: 'POST',
          url: '/auth/password/forgot',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
          ip: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
        });
        const elapsed = performance.now() - started;
        if (response.status !== 202) throw new Error(`forgot answered ${response.status}`);
        while (known && written() === before) await sleep(1);
        // The outbox's own housekeeping after a write (pruning to maxFiles) must not overlap the next request.
        await sleep(5);
        return elapsed;
      };
      for (let i = 0; i < total; i++) {
        // Every order of the three kinds in turn, so that each kind follows each other kind as often.
        for (const kind of ORDERS[i % ORDERS.length]!) {
          const ms = await call(`${kind}-${i}@example.com`, kind !== 'unknown');
          if (i >= WARM_UP) timed[kind].push(ms);
        }
      }
      const unknown = median(timed.unknown);
      rows.push([
        backend.name,
        formatMs(median(timed.argon2id)),
        formatMs(median(timed.legacy)),
        formatMs(unknown),
        formatRatio(median(timed.argon2id) / unknown),
        formatRatio(median(timed.legacy) / unknown),
        formatMs(p90(timed.argon2id)),
        formatMs(p90(timed.legacy)),
        formatMs(p90(timed.unknown)),
      ]);
    } finally {
      await rm(outbox, { recursive: true, force: true });
      await backend.close();
    }
  }
  printTable(
    `POST /auth/password/forgot, ${CALLS} timed calls per kind, one at a time (ms; target: each known ÷ unknown within 0.90–1.10×)`,
    [
      { header: 'store' },
      { header: 'argon2id median', align: 'right' },
      { header: 'legacy bcrypt median', align: 'right' },
      { header: 'unknown median', align: 'right' },
      { header: 'argon2id ÷ unknown', align: 'right' },
      { header: 'legacy ÷ unknown', align: 'right' },
      { header: 'argon2id p90', align: 'right' },
      { header: 'legacy p90', align: 'right' },
      { header: 'unknown p90', align: 'right' },
    ],
    rows,
  );
}
