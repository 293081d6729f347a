import { randomBytes } from 'node:crypto';
import { createApiKeyManager } from '@portcullis/core/apikeys';
import { createRefreshTokenService } from '@portcullis/core/refresh';
import { createSessionManager } from '@portcullis/core/sessions';
import {
  createMemoryApiKeyStore,
  createMemoryRefreshTokenStore,
  createMemoryRevocationStore,
  createMemorySessionStore,
} from '@portcullis/core/stores';
import { formatBytes, printTable } from './format.js';
import { heapUsedAfterGc } from './heap.js';

const ENTRIES = 10_000;
const BOUND = 1000;
const HOUR = 3_600_000;

/** 16 random bytes, base64url: what core's access tokens carry as `jti`. */
const randomId = () => randomBytes(16).toString('base64url');
const PEPPER = randomBytes(32).toString('base64url');

/**
 * One kind of bounded memory store. `add` stores one entry of the realistic shape (made as core makes it);
 * `holds` checks, after the heap is measured, that an entry is still there (which also keeps the store
 * reachable until then).
 */
interface StoreKind {
  name: string;
  entry: string;
  create(maxEntries?: number): {
    add(i: number): Promise<void>;
    holds(): Promise<boolean>;
  };
}

const KINDS: readonly StoreKind[] = [
  {
    name: 'revocations',
    entry: 'revokeToken(jti, exp)',
    create(maxEntries) {
      const store = createMemoryRevocationStore(maxEntries === undefined ? {} : { maxEntries });
      let last = '';
      return {
        async add() {
          last = randomId();
          await store.revokeToken(last, Date.now() + HOUR);
        },
        holds: async () =>
          store.isRevoked(
            { tokenId: last, sessionId: undefined, subject: 'user-1', issuedAt: Date.now() },
            Date.now(),
          ),
      };
    },
  },
  {
    name: 'sessions',
    entry: "sessions.create(sub, { roles: ['user'] })",
    create(maxEntries) {
      const store = createMemorySessionStore(maxEntries === undefined ? {} : { maxEntries });
      const sessions = createSessionManager({ store });
      let last = '';
      return {
        async add(i) {
          last = (await sessions.create(`user-${i}`, { roles: ['user'] })).id;
        },
        holds: async () => (await sessions.resolve(last)) !== null,
      };
    },
  },
  {
    name: 'API keys',
    entry: "apiKeys.create({ …, scopes: ['reports:read'] })",
    create(maxEntries) {
      const store = createMemoryApiKeyStore(maxEntries === undefined ? {} : { maxEntries });
      const apiKeys = createApiKeyManager({ store, pepper: PEPPER });
      let last = '';
      return {
        async add(i) {
          const input = { ownerId: `user-${i}`, name: 'CI', scopes: ['reports:read'] };
          last = (await apiKeys.create(input)).key;
        },
        holds: async () => (await apiKeys.verify(last)).subject.startsWith('user-'),
      };
    },
  },
  {
    name: 'refresh families',
    entry: 'refresh.issue(sub) (family + first token)',
    create(maxEntries) {
      const store = createMemoryRefreshTokenStore(maxEntries === undefined ? {} : { maxEntries });
      const refresh = createRefreshTokenService({ store });
      let last = '';
      return {
        async add(i) {
          last = (await refresh.issue(`user-${i}`)).token;
        },
        holds: async () => (await refresh.familyOf(last)) !== null,
      };
    },
  },
];

/** Heap retained per entry after `ENTRIES` entries, and whether the last one is still found. */
async function bytesPerEntry(gc: () => void, kind: StoreKind): Promise<{ bytes: number; holds: boolean }> {
  const before = await heapUsedAfterGc(gc);
  const store = kind.create();
  for (let i = 0; i < ENTRIES; i++) await store.add(i);
  const after = await heapUsedAfterGc(gc);
  return { bytes: (after - before) / ENTRIES, holds: await store.holds() };
}

/** Heap of making the same random ids and storing none of them: the measurement's noise. */
async function control(gc: () => void): Promise<number> {
  const before = await heapUsedAfterGc(gc);
  let last = '';
  for (let i = 0; i < ENTRIES; i++) last = randomId();
  const after = await heapUsedAfterGc(gc);
  return last.length > 0 ? (after - before) / ENTRIES : Number.NaN;
}

/** Whether a store bounded to `BOUND` takes `BOUND` entries and refuses the next with its "store is full" error. */
async function checkBound(kind: StoreKind): Promise<string> {
  const store = kind.create(BOUND);
  for (let i = 0; i < BOUND; i++) {
    try {
      await store.add(i);
    } catch (error) {
      return `MISS: entry ${i + 1} refused (${(error as Error).message})`;
    }
  }
  try {
    await store.add(BOUND);
    return `MISS: entry ${BOUND + 1} accepted`;
  } catch (error) {
    const message = (error as Error).message;
    return /is full/.test(message) ? `PASS: entry ${BOUND + 1} refused` : `MISS: ${message}`;
  }
}

/**
 * Heap cost of the bounded in-memory stores — bytes per revocation, session, API key and refresh family,
 * from `global.gc()` around storing 10 000 of each, entries made by core as an application would — and their
 * bound: a store created with `{ maxEntries: 1000 }` takes 1000 entries and refuses the 1001st.
 */
export async function storeHeapBench(): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) {
    console.log('\nstore-heap: skipped, run node with --expose-gc');
    return;
  }
  // Warm-up, so that compiled code and one-off allocations are not counted as the first store's.
  for (const kind of KINDS) {
    const store = kind.create();
    for (let i = 0; i < 2000; i++) await store.add(i);
  }
  await control(gc);

  const rows: string[][] = [['control: ids made, none stored', '', formatBytes(await control(gc)), '']];
  for (const kind of KINDS) {
    const { bytes, holds } = await bytesPerEntry(gc, kind);
    rows.push([kind.name, kind.entry, formatBytes(bytes), holds ? 'yes' : 'NO']);
  }
  printTable(
    `Memory stores — heap per entry, ${ENTRIES} entries each (--expose-gc, heapUsed after/before)`,
    [
      { header: 'store' },
      { header: 'entry' },
      { header: 'heap per entry', align: 'right' },
      { header: 'last entry found', align: 'right' },
    ],
    rows,
  );

  const bounds: string[][] = [];
  for (const kind of KINDS) bounds.push([kind.name, await checkBound(kind)]);
  printTable(`Bound — { maxEntries: ${BOUND} }`, [{ header: 'store' }, { header: 'verdict' }], bounds);
}
