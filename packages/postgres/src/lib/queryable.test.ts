import { isAuthError } from '@portcullis/core';
import { guardStore } from '@portcullis/core/stores';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores } from '../create-postgres-stores.js';
import type { PostgresDatabase } from '../database.js';
import { ms, msOrNull } from './ms.js';
import { toQueryable } from './queryable.js';

describe('toQueryable', () => {
  it('refuses what is neither a pg Pool nor a PGlite instance', () => {
    const client = new pg.Client({ connectionString: 'postgres://127.0.0.1:1/none' });
    expect(() => toQueryable(client as unknown as PostgresDatabase)).toThrow(
      /^portcullis: createPostgresStores\(db\): is a single pg Client, not a Pool/,
    );
    expect(() => toQueryable({} as PostgresDatabase)).toThrow(TypeError);
    expect(() => toQueryable({ query: async () => ({ rows: [] }) } as unknown as PostgresDatabase)).toThrow(
      TypeError,
    );
    expect(() => toQueryable(null as unknown as PostgresDatabase)).toThrow(TypeError);
  });

  it('rolls a failed transaction back and hands the connection back', async () => {
    const calls: string[] = [];
    let released: unknown = 'not released';
    const pool = {
      totalCount: 1,
      query: async () => ({ rows: [] }),
      connect: async () => ({
        query: async (text: string) => {
          calls.push(text);
          return { rows: [], rowCount: 0 };
        },
        release: (err?: unknown) => {
          released = err;
        },
      }),
    };
    const boom = new Error('boom');
    await expect(
      toQueryable(pool).transaction(async (tx) => {
        await tx.query('SELECT 1');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(calls).toEqual(['BEGIN', 'SELECT 1', 'ROLLBACK']);
    expect(released).toBeUndefined();
  });
});

describe('BIGINT milliseconds', () => {
  it('turns strings (pg) and numbers (PGlite) into numbers, and keeps NULL as null', () => {
    expect(ms('1700000000123')).toBe(1_700_000_000_123);
    expect(ms(1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(ms(0n)).toBe(0);
    expect(msOrNull(null)).toBeNull();
    expect(msOrNull('0')).toBe(0);
    expect(() => ms(null)).toThrow(TypeError);
    expect(() => ms('soon')).toThrow(TypeError);
  });
});

describe('an unreachable server', () => {
  // Port 1 on the loopback: nothing listens, so every connection attempt is refused at once.
  const pool = new pg.Pool({
    connectionString: 'postgres://postgres@127.0.0.1:1/none',
    connectionTimeoutMillis: 2000,
  });
  pool.on('error', () => {});
  afterAll(async () => {
    await pool.end();
  });

  it('makes every store method throw, never answer "not found" or "not revoked"', async () => {
    await expect(createPostgresStores(pool)).rejects.toThrow();
    const stores = await createPostgresStores(pool, { migrate: false });
    await expect(stores.apiKeys.findById('k')).rejects.toThrow(/ECONNREFUSED/);
    await expect(stores.sessions.get('s', Date.now())).rejects.toThrow();
    await expect(stores.refreshTokens.rotate('a', 'b', Date.now() + 1000, Date.now())).rejects.toThrow();
    await expect(stores.keyring.load()).rejects.toThrow();
    await expect(
      stores.revocations.isRevoked(
        { tokenId: 'j', sessionId: undefined, subject: 'u', issuedAt: 0 },
        Date.now(),
      ),
    ).rejects.toThrow();
    const refused = await stores
      .rateLimiter({ keyPrefix: 'p', points: 1, duration: 1 })
      .consume('k')
      .catch((e) => e);
    expect(refused).toBeInstanceOf(Error);
  });

  it('becomes a 503 through core’s guardStore', async () => {
    const stores = await createPostgresStores(pool, { migrate: false });
    const error = await guardStore(stores.apiKeys)
      .findById('k')
      .catch((e: unknown) => e);
    expect(isAuthError(error) && [error.code, error.status]).toEqual(['temporarily_unavailable', 503]);
  });
});
