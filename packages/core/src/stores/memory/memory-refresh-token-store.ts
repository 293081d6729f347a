import type { RefreshFamily, RefreshTokenStore } from '../refresh-token-store.js';
import { assertCapacity, DEFAULT_MAX_ENTRIES } from './capacity.js';

interface TokenEntry {
  familyId: string;
  expiresAt: number;
  spentAt: number | null;
}

/** An in-memory `RefreshTokenStore`: for tests and a single process. Bounded by `maxEntries` tokens. */
export function createMemoryRefreshTokenStore(options: { maxEntries?: number } = {}): RefreshTokenStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const families = new Map<string, RefreshFamily>();
  const tokens = new Map<string, TokenEntry>();

  function sweep(now: number) {
    for (const [id, family] of families) {
      if (family.expiresAt <= now) families.delete(id);
    }
    for (const [hash, token] of tokens) {
      if (!families.has(token.familyId)) tokens.delete(hash);
    }
  }

  function ensureRoom(now: number) {
    if (tokens.size >= maxEntries) sweep(now);
    assertCapacity(tokens.size, maxEntries, 'refresh token');
  }

  const copy = (family: RefreshFamily): RefreshFamily => ({ ...family, data: { ...family.data } });

  return {
    async createFamily(family, firstTokenHash, tokenExpiresAt) {
      ensureRoom(family.createdAt);
      families.set(family.id, copy(family));
      tokens.set(firstTokenHash, { familyId: family.id, expiresAt: tokenExpiresAt, spentAt: null });
    },
    // No await between read and write: JavaScript runs this whole body without interleaving, so it is atomic.
    async rotate(tokenHash, nextTokenHash, nextExpiresAt, now) {
      const token = tokens.get(tokenHash);
      const family = token && families.get(token.familyId);
      if (token === undefined || family === undefined) return { outcome: 'invalid' };
      if (family.revokedAt !== null || family.expiresAt <= now) return { outcome: 'invalid' };
      if (token.spentAt !== null) {
        family.revokedAt = now;
        return { outcome: 'reused', family: copy(family) };
      }
      if (token.expiresAt <= now) return { outcome: 'invalid' };
      ensureRoom(now);
      token.spentAt = now;
      tokens.set(nextTokenHash, { familyId: family.id, expiresAt: nextExpiresAt, spentAt: null });
      return { outcome: 'rotated', family: copy(family) };
    },
    async findFamilyByToken(tokenHash) {
      const token = tokens.get(tokenHash);
      const family = token && families.get(token.familyId);
      return family === undefined ? null : copy(family);
    },
    async findToken(tokenHash) {
      const token = tokens.get(tokenHash);
      const family = token && families.get(token.familyId);
      if (token === undefined || family === undefined) return null;
      return { family: copy(family), expiresAt: token.expiresAt, spentAt: token.spentAt };
    },
    async findFamily(familyId) {
      const family = families.get(familyId);
      return family === undefined ? null : copy(family);
    },
    async revokeFamily(familyId, now) {
      const family = families.get(familyId);
      if (family === undefined) return false;
      family.revokedAt ??= now;
      return true;
    },
    async revokeSubject(subject, now) {
      const revoked: string[] = [];
      for (const family of families.values()) {
        if (family.subject === subject && family.revokedAt === null && family.expiresAt > now) {
          family.revokedAt = now;
          revoked.push(family.id);
        }
      }
      return revoked;
    },
  };
}
