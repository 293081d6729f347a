import type { ApiKeyRecord } from '@portcullis/core/stores';
import { describe, expect, it } from 'vitest';
import { type StoreSuiteContext, uniqueId } from './context.js';

function record(ownerId: string, createdAt: number, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: uniqueId('key'),
    ownerId,
    name: 'ci deploy',
    prefix: 'pc_live',
    scopes: ['reports:read'],
    hash: uniqueId('hash'),
    createdAt,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    rolledFrom: null,
    ...extra,
  };
}

export function apiKeySuite(ctx: StoreSuiteContext): void {
  describe('API keys', () => {
    it('stores a key and finds it by id with every field intact', async () => {
      const store = ctx.stores().apiKeys;
      const now = Date.now();
      const key = record(uniqueId('owner'), now, {
        scopes: ['reports:read', 'reports:write'],
        expiresAt: now + 3600_000,
        rolledFrom: 'older',
      });
      await store.create(key);
      expect(await store.findById(key.id)).toEqual(key);
      expect(await store.findById(uniqueId('missing'))).toBeNull();
      await expect(store.create({ ...key, name: 'duplicate' })).rejects.toThrow();
      expect((await store.findById(key.id))?.name).toBe('ci deploy');
    });

    it("lists an owner's keys, newest first, and nobody else's", async () => {
      const store = ctx.stores().apiKeys;
      const now = Date.now();
      const owner = uniqueId('owner');
      const older = record(owner, now - 2000);
      const newer = record(owner, now - 1000);
      await store.create(older);
      await store.create(newer);
      await store.create(record(uniqueId('other-owner'), now));
      expect((await store.listByOwner(owner)).map((k) => k.id)).toEqual([newer.id, older.id]);
      expect(await store.listByOwner(uniqueId('nobody'))).toEqual([]);
    });

    it('updates only the given fields', async () => {
      const store = ctx.stores().apiKeys;
      const now = Date.now();
      const key = record(uniqueId('owner'), now);
      await store.create(key);
      expect(await store.update(key.id, { lastUsedAt: now + 5 })).toBe(true);
      expect(await store.update(key.id, { expiresAt: now + 60_000 })).toBe(true);
      expect(await store.update(key.id, { revokedAt: now + 10 })).toBe(true);
      expect(await store.findById(key.id)).toEqual({
        ...key,
        lastUsedAt: now + 5,
        expiresAt: now + 60_000,
        revokedAt: now + 10,
      });
      expect(await store.update(uniqueId('missing'), { revokedAt: now })).toBe(false);
    });
  });
}
