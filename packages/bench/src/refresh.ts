import { createHash, randomBytes } from 'node:crypto';
import { AuthError } from '@portcullis/core';
import { createRefreshTokenService } from '@portcullis/core/refresh';
import {
  createMemoryRefreshTokenStore,
  type RefreshFamily,
  type RefreshTokenStore,
} from '@portcullis/core/stores';
import { formatOps, formatRatio, formatRme, printTable } from './format.js';
import { type Measured, measure, type Timed } from './measure.js';

/** A store to rotate refresh tokens in, by the name its rows print under. */
export interface RefreshStoreUnderTest {
  name: string;
  store: RefreshTokenStore;
}

/**
 * Every rotation adds a token to the store (the spent one stays, for reuse detection, until its family
 * expires), so the timed chain grows the store by one entry per call: a few hundred thousand entries here.
 * The default bound (100 000) would refuse them, so the bench's memory store gets a larger one.
 */
const MEMORY_MAX_ENTRIES = 10_000_000;

/** The stores timed when none are passed: only the in-memory one (Redis and PostgreSQL are added by their packages). */
export function memoryRefreshStores(): RefreshStoreUnderTest[] {
  return [{ name: 'memory', store: createMemoryRefreshTokenStore({ maxEntries: MEMORY_MAX_ENTRIES }) }];
}

const BASELINE = 'raw memory store.rotate (precomputed hashes)';
const CRYPTO = 'randomBytes(32) + 2 × SHA-256';
/** Token hashes precomputed for the baseline; when they run out, the chain restarts in a fresh store. */
const RING = 100_000;
const TTL_MS = 7 * 86_400_000;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

async function reason(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'accepted';
  } catch (error) {
    return error instanceof AuthError ? String(error.reason) : `threw ${String(error)}`;
  }
}

/**
 * The service over one store, checked (a rotation succeeds; presenting the spent token again is refused as
 * `reused`, in a family of its own), and the chain to time: each rotation spends the token the previous one
 * returned, as a client refreshing again and again would.
 */
async function serviceTask({ name, store }: RefreshStoreUnderTest): Promise<Timed> {
  const service = createRefreshTokenService({ store });
  const probe = await service.issue('bench-user');
  await service.rotate(probe.token);
  const reuse = await reason(service.rotate(probe.token));
  if (reuse !== 'reused') throw new Error(`${name}: a spent token was refused with ${reuse}, not reused`);

  let token = (await service.issue('bench-user', { amr: ['pwd'] })).token;
  return {
    name: `${name}: service.rotate (chain)`,
    fn: async () => {
      token = (await service.rotate(token)).token;
    },
    async: true,
  };
}

/**
 * The memory store's own `rotate`, fed hashes computed in advance (no randomness, no SHA-256, no service
 * logic): what the service's rotation would cost with nothing but the store call.
 */
function baselineTask(): Timed {
  const hashes = Array.from({ length: RING }, () => sha256(randomBytes(32).toString('base64url')));
  let store = createMemoryRefreshTokenStore({ maxEntries: RING + 1 });
  let at = RING - 1; // forces a fresh store (and family) on the first call
  return {
    name: BASELINE,
    fn: async () => {
      const now = Date.now();
      if (at === RING - 1) {
        store = createMemoryRefreshTokenStore({ maxEntries: RING + 1 });
        const family: RefreshFamily = {
          id: randomBytes(16).toString('base64url'),
          subject: 'bench-user',
          createdAt: now,
          expiresAt: now + TTL_MS,
          revokedAt: null,
          data: { amr: ['pwd'] },
        };
        await store.createFamily(family, hashes[0] as string, now + TTL_MS);
        at = 0;
      }
      const result = await store.rotate(hashes[at] as string, hashes[at + 1] as string, now + TTL_MS, now);
      if (result.outcome !== 'rotated') throw new Error(`baseline: ${result.outcome}`);
      at++;
    },
    async: true,
  };
}

/**
 * The node:crypto work a rotation adds to the store call: 32 random bytes for the next token and the SHA-256
 * of both tokens, as the service does it.
 */
function cryptoTask(): Timed {
  const token = randomBytes(32).toString('base64url');
  return {
    name: CRYPTO,
    fn: () => {
      const next = randomBytes(32).toString('base64url');
      if (sha256(token) === sha256(next)) throw new Error('collision');
    },
    async: false,
  };
}

/**
 * Refresh-token rotation: `service.rotate` in a chain, per store, next to the memory store's raw `rotate` with
 * precomputed hashes measured in the same run, so the ratio is the service's overhead (two SHA-256, 32 random
 * bytes, the shape check). Pass more stores to add their rows (`{ name, store }`).
 */
export async function refreshBench(
  stores: readonly RefreshStoreUnderTest[] = memoryRefreshStores(),
): Promise<void> {
  const services: Timed[] = [];
  for (const store of stores) services.push(await serviceTask(store));
  const baseline = baselineTask();
  await baseline.fn(); // checks it once
  const crypto = cryptoTask();
  const results = await measure([...services, baseline, crypto], { time: 200, rounds: 5 });

  const raw = results.get(BASELINE);
  const row = (task: Timed, note: string) => {
    const result = results.get(task.name) as Measured;
    const vsRaw = raw === undefined ? '–' : formatRatio(result.opsPerSec / raw.opsPerSec);
    return [task.name, formatOps(result.opsPerSec), formatRme(result.rme), vsRaw, note];
  };
  printTable(
    'Refresh-token rotation — 256-bit tokens, stored as SHA-256',
    [
      { header: 'operation' },
      { header: 'ops/s', align: 'right' },
      { header: 'rme', align: 'right' },
      { header: '× raw store', align: 'right' },
      { header: 'note' },
    ],
    [
      ...services.map((task) => row(task, 'each rotation spends the previous token')),
      row(baseline, 'the store call alone'),
      row(crypto, 'the node:crypto part of a rotation'),
    ],
  );
}
