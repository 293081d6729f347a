import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthError } from '@portcullis/core';
import { API_KEY_CHECKSUM_LENGTH, createApiKeyManager, parseApiKey } from '@portcullis/core/apikeys';
import { type ApiKeyStore, createMemoryApiKeyStore } from '@portcullis/core/stores';
import { formatOps, formatRatio, formatRme, printTable } from './format.js';
import { type Measured, measure, type Timed } from './measure.js';

/** A store to verify API keys against, by the name its rows print under. */
export interface ApiKeyStoreUnderTest {
  name: string;
  store: ApiKeyStore;
}

/** The stores timed when none are passed: only the in-memory one (Redis and PostgreSQL are added by their packages). */
export function memoryApiKeyStores(): ApiKeyStoreUnderTest[] {
  return [{ name: 'memory', store: createMemoryApiKeyStore() }];
}

const FLOOR = 'floor: Map.get + HMAC-SHA-256 + timingSafeEqual';
const AUTH_ERROR = 'new AuthError (no stack trace)';

/** The key with one character of its secret changed: well-formed, but its CRC-32 checksum no longer matches. */
function oneCharChanged(key: string): string {
  const at = key.length - API_KEY_CHECKSUM_LENGTH - 10; // inside the secret, before `_<checksum>`
  const replacement = key[at] === 'A' ? 'B' : 'A';
  return key.slice(0, at) + replacement + key.slice(at + 1);
}

/** The `reason` the promise was refused with, or `"accepted"` when it resolved. */
async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'accepted';
  } catch (error) {
    return error instanceof AuthError ? String(error.reason) : `threw ${String(error)}`;
  }
}

const refused = () => undefined;
const accepted = () => {
  throw new Error('the altered key was accepted');
};

interface StoreTasks {
  valid: Timed;
  altered: Timed;
}

/**
 * One key created in the store, checked (accepted as is, refused with `bad_checksum` once altered), and the two
 * calls to time. Throws when a check fails: no row may time an error path by mistake.
 */
async function storeTasks({ name, store }: ApiKeyStoreUnderTest, pepper: string): Promise<StoreTasks> {
  const manager = createApiKeyManager({ store, pepper });
  const { key } = await manager.create({ ownerId: 'bench-owner', name: 'bench', scopes: ['reports:read'] });
  const altered = oneCharChanged(key);
  const principal = await manager.verify(key);
  if (principal.subject !== 'bench-owner') throw new Error(`${name}: verify returned the wrong subject`);
  const reason = await refusal(manager.verify(altered));
  if (reason !== 'bad_checksum') throw new Error(`${name}: the altered key was refused with ${reason}`);
  return {
    valid: { name: `${name}: manager.verify (valid key)`, fn: () => manager.verify(key), async: true },
    altered: {
      name: `${name}: manager.verify (1 char changed)`,
      fn: () => manager.verify(altered).then(accepted, refused),
      async: true,
    },
  };
}

/**
 * The node:crypto floor of a verification against an in-memory table: the id sliced from the key, one Map
 * lookup, one HMAC-SHA-256 of the whole key under the pepper and one timingSafeEqual against the stored digest.
 * Also its two halves on their own.
 */
function floorTasks(key: string, pepper: string): Timed[] {
  const secret = createSecretKey(Buffer.from(pepper, 'utf8'));
  const parsed = parseApiKey(key);
  if (parsed === null) throw new Error('floor: unparseable key');
  const idStart = key.indexOf(parsed.id, parsed.prefix.length);
  const idEnd = idStart + parsed.id.length;
  const stored = createHmac('sha256', secret).update(key, 'utf8').digest();
  const table = new Map([[parsed.id, { ownerId: 'bench-owner', hash: stored }]]);
  const hmacMatches = (digest: Buffer) => {
    const mac = createHmac('sha256', secret).update(key, 'utf8').digest();
    return mac.length === digest.length && timingSafeEqual(mac, digest);
  };
  return [
    {
      name: FLOOR,
      fn: () => {
        const record = table.get(key.slice(idStart, idEnd));
        if (record === undefined || !hmacMatches(record.hash)) throw new Error('floor: no match');
      },
      async: false,
    },
    {
      name: 'HMAC-SHA-256 + timingSafeEqual',
      fn: () => {
        if (!hmacMatches(stored)) throw new Error('floor: no match');
      },
      async: false,
    },
    {
      name: 'Map.get',
      fn: () => {
        if (table.get(key.slice(idStart, idEnd)) === undefined) throw new Error('floor: no entry');
      },
      async: false,
    },
  ];
}

/** What every refusal costs besides the checks: the `AuthError` (and its stack trace) it rejects with. */
function errorTask(): Timed {
  return {
    name: AUTH_ERROR,
    fn: () =>
      new AuthError('invalid_token', 'Invalid API key', { challenge: 'ApiKey', reason: 'bad_checksum' }),
    async: false,
  };
}

/** A well-formed key (memory-store layout) for the floor rows, made by core so that it has core's length. */
async function sampleKey(pepper: string): Promise<string> {
  const manager = createApiKeyManager({ store: createMemoryApiKeyStore(), pepper });
  return (await manager.create({ ownerId: 'bench-owner', name: 'floor', scopes: [] })).key;
}

/**
 * API-key verification: `manager.verify` of a valid key and of a key with one character changed (refused by the
 * checksum before any store call), per store, next to the node:crypto floor of the same work measured in the
 * same run. Pass more stores to add their rows (`{ name, store }`; each gets one fresh key).
 */
export async function apiKeysBench(
  stores: readonly ApiKeyStoreUnderTest[] = memoryApiKeyStores(),
): Promise<void> {
  const pepper = randomBytes(32).toString('base64url');
  const key = await sampleKey(pepper);
  const perStore = await Promise.all(stores.map((store) => storeTasks(store, pepper)));
  const floors = floorTasks(key, pepper);
  const tasks = [...perStore.flatMap((s) => [s.valid, s.altered]), ...floors, errorTask()];
  const results = await measure(tasks, { time: 200, rounds: 5 });

  const floor = results.get(FLOOR);
  const row = (task: Timed, note = '') => {
    const result = results.get(task.name) as Measured;
    const vsFloor = floor === undefined ? '–' : formatRatio(result.opsPerSec / floor.opsPerSec);
    return [task.name, formatOps(result.opsPerSec), formatRme(result.rme), vsFloor, note];
  };
  printTable(
    `API-key verify — key of ${key.length} characters, pepper of 32 random bytes`,
    [
      { header: 'operation' },
      { header: 'ops/s', align: 'right' },
      { header: 'rme', align: 'right' },
      { header: '× floor', align: 'right' },
      { header: 'note' },
    ],
    [
      ...perStore.flatMap((s) => [
        row(s.valid, 'one lookup, HMAC, expiry checks'),
        row(s.altered, 'refused: bad_checksum, no store call'),
      ]),
      ...floors.map((task) => row(task, task.name === FLOOR ? 'the same work, nothing else' : 'part of it')),
      row(errorTask(), 'what every refusal also pays'),
    ],
  );
  for (const [i, { valid, altered }] of perStore.entries()) {
    const ratio = (results.get(altered.name)?.opsPerSec ?? 0) / (results.get(valid.name)?.opsPerSec ?? 1);
    console.log(
      `${stores[i]?.name}: a key with one character changed is refused at ${formatRatio(ratio)} the speed of ` +
        `a valid verification (expected faster, as no store call is made): ${ratio > 1 ? 'PASS' : 'MISS'}`,
    );
  }
}
