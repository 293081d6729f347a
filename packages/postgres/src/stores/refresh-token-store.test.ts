import { probeService } from '@portcullis/testkit';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toQueryable } from '../lib/queryable.js';
import { migrate } from '../migrations/migrate.js';
import { DATABASE_URL, dropSchema, testPool, testSchema } from '../testing/databases.js';
import { createPostgresRefreshTokenStore } from './refresh-token-store.js';

const server = await probeService('PostgreSQL', DATABASE_URL);
const HOUR = 3_600_000;

describe.skipIf(!server.available)('refresh rotation racing on a PostgreSQL server', () => {
  let pool: Pool;
  const schema = testSchema();
  beforeAll(async () => {
    pool = testPool(10);
    await migrate(pool, { schema });
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('rotates once, reports one reuse, and stores no token for the losers', async () => {
    const store = createPostgresRefreshTokenStore(pool, { schema });
    const now = Date.now();
    const family = {
      id: 'race',
      subject: 'u',
      createdAt: now,
      expiresAt: now + HOUR,
      revokedAt: null,
      data: {},
    };
    await store.createFamily(family, 'first', now + HOUR);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.rotate('first', `next-${i}`, now + HOUR, now + 1)),
    );
    const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
    expect([count('rotated'), count('reused'), count('invalid')]).toEqual([1, 1, 48]);

    const { rows } = await toQueryable(pool).query<{ hash: string; spent_at: string | null }>(
      `SELECT hash, spent_at FROM "${schema}".refresh_tokens WHERE family_id = $1 ORDER BY spent_at NULLS LAST`,
      ['race'],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ hash: 'first', spent_at: String(now + 1) });
    expect(rows[1]?.spent_at).toBeNull();
    expect((await store.findFamily('race'))?.revokedAt).toBe(now + 1);
  });
});
