import type { ApiKeyRecord, ApiKeyStore } from '../api-key-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

/** An in-memory `ApiKeyStore`: for tests and a single process. Bounded by `maxEntries` keys. */
export function createMemoryApiKeyStore(options: { maxEntries?: number } = {}): ApiKeyStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const keys = new Map<string, ApiKeyRecord>();
  const copy = (record: ApiKeyRecord): ApiKeyRecord => ({ ...record, scopes: [...record.scopes] });
  return {
    async create(record) {
      if (keys.has(record.id)) throw new Error('duplicate API key id');
      assertCapacity(keys.size, maxEntries, 'API key');
      keys.set(record.id, copy(record));
    },
    async findById(id) {
      const record = keys.get(id);
      return record === undefined ? null : copy(record);
    },
    async listByOwner(ownerId) {
      return [...keys.values()]
        .filter((record) => record.ownerId === ownerId)
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
        .map(copy);
    },
    async update(id, patch) {
      const record = keys.get(id);
      if (record === undefined) return false;
      if (patch.expiresAt !== undefined) record.expiresAt = patch.expiresAt;
      if (patch.revokedAt !== undefined) record.revokedAt = patch.revokedAt;
      if (patch.lastUsedAt !== undefined) record.lastUsedAt = patch.lastUsedAt;
      return true;
    },
  };
}
