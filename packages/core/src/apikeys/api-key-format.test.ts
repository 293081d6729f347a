import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMemoryApiKeyStore } from '../stores/memory/memory-api-key-store.js';
import { setup, strongPepper } from '../testing/api-key-fixtures.js';
import {
  API_KEY_SECRET_LENGTH,
  apiKeyChecksum,
  formatApiKey,
  isValidApiKeyPrefix,
  looksLikeApiKey,
  parseApiKey,
} from './api-key-format.js';
import { createApiKeyManager } from './api-key-manager.js';
import { generateApiKey } from './generate-api-key.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_SHAPE = /^pc_live_([0-9A-Za-z]{55})_([0-9A-Za-z]{6})$/;

function base62Decode(text: string): number {
  return [...text].reduce((value, char) => value * 62 + BASE62.indexOf(char), 0);
}

describe('API key format', () => {
  it('is pc_live_<12-char id><43-char secret>_<6-char checksum>, the secret carrying ≥ 256 bits', async () => {
    const { manager } = setup();
    const { key, apiKey } = await manager.create({ ownerId: 'u1', name: 'ci', scopes: [] });
    const match = KEY_SHAPE.exec(key);
    expect(match).not.toBeNull();
    const random = match![1]!;
    expect(random.slice(0, 12)).toBe(apiKey.id);
    const secret = random.slice(12);
    expect(secret).toHaveLength(API_KEY_SECRET_LENGTH);
    expect(secret.length * Math.log2(62)).toBeGreaterThanOrEqual(256);
    expect(key.length).toBe('pc_live'.length + 1 + 55 + 1 + 6);
    expect(apiKey.prefix).toBe('pc_live');
  });

  it('ends with the base62 CRC-32 of everything before the last underscore', () => {
    for (let i = 0; i < 50; i++) {
      const { key } = generateApiKey('pc_live');
      const body = key.slice(0, -7);
      const checksum = key.slice(-6);
      const zlibCrc32 = (zlib as { crc32?: (data: string) => number }).crc32;
      if (zlibCrc32 !== undefined) expect(base62Decode(checksum)).toBe(zlibCrc32(body));
      expect(checksum).toBe(apiKeyChecksum(body));
    }
    // A pinned vector: changing the checksum algorithm would invalidate every issued key.
    // CRC-32 0x70306729 = 1882220329 = "23NbUP" in base62.
    expect(apiKeyChecksum('pc_live_' + '0'.repeat(55))).toBe('23NbUP');
    expect(base62Decode('23NbUP')).toBe(0x70306729);
  });

  it('uses only the base62 alphabet, and all of it, in the random part', () => {
    const seen = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { key, id } = generateApiKey('pc_live');
      const [, random, checksum] = KEY_SHAPE.exec(key)!;
      expect(`${random}${checksum}`).toMatch(/^[0-9A-Za-z]+$/);
      for (const char of random!) seen.add(char);
      ids.add(id);
    }
    // 11 000 uniform draws from 62 symbols: missing one has probability ≈ 62·(61/62)^11000 ≈ 0.
    expect(seen.size).toBe(62);
    expect(ids.size).toBe(200);
  });

  it('uses a configured prefix, which may contain underscores', async () => {
    const { manager } = setup({ prefix: 'acme_test2' });
    const { key, apiKey } = await manager.create({ ownerId: 'u1', name: 'ci', scopes: [] });
    expect(key.startsWith('acme_test2_')).toBe(true);
    expect(parseApiKey(key)).toEqual({ prefix: 'acme_test2', id: apiKey.id, checksumOk: true });
    expect((await manager.verify(key)).claims['prefix']).toBe('acme_test2');
  });

  it('refuses an invalid prefix with a TypeError', () => {
    for (const prefix of [
      'PC_live',
      'pc-live',
      '_pc',
      'pc_',
      'pc__live',
      '1pc',
      '',
      'a'.repeat(33),
      'pc live',
    ]) {
      expect(isValidApiKeyPrefix(prefix)).toBe(false);
      expect(() =>
        createApiKeyManager({ store: createMemoryApiKeyStore(), pepper: strongPepper(), prefix }),
      ).toThrow(TypeError);
    }
    expect(isValidApiKeyPrefix('a'.repeat(32))).toBe(true);
  });
});

describe('parseApiKey and looksLikeApiKey', () => {
  const { key, id } = generateApiKey('pc_live');

  it('returns the public parts and a checksum verdict, never the secret', () => {
    const parsed = parseApiKey(key);
    expect(parsed).toEqual({ prefix: 'pc_live', id, checksumOk: true });
    expect(JSON.stringify(parsed)).not.toContain(key.slice(20, 60));
    expect(looksLikeApiKey(key)).toBe(true);
  });

  it('reports a bad checksum without refusing the shape', () => {
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const typo = key.slice(0, -1) + last;
    expect(parseApiKey(typo)).toEqual({ prefix: 'pc_live', id, checksumOk: false });
    expect(looksLikeApiKey(typo)).toBe(false);
  });

  it('returns null for anything not shaped like a key', () => {
    const random = key.slice(8, 63);
    const checksum = key.slice(-6);
    for (const value of [
      undefined,
      null,
      42,
      '',
      'pc_live',
      key.slice(0, -1),
      key + 'A',
      'X' + key,
      `pc_live-${random}_${checksum}`,
      `pc_live_${random}-${checksum}`,
      `_${random}_${checksum}`,
      `PC_LIVE_${random}_${checksum}`,
      `pc_live_${random.slice(0, -1)}-_${checksum}`,
      `pc_live_${random}_${checksum.slice(0, -1)}=`,
      `${'a'.repeat(200)}_${random}_${checksum}`,
    ]) {
      expect(parseApiKey(value)).toBeNull();
      expect(looksLikeApiKey(value)).toBe(false);
    }
  });

  it('recognises keys of any valid prefix (for scanners), each with its own checksum', () => {
    const other = formatApiKey('acme_test', 'a'.repeat(55));
    expect(parseApiKey(other)).toEqual({ prefix: 'acme_test', id: 'a'.repeat(12), checksumOk: true });
    // The prefix is covered by the checksum: the same random part under another prefix does not pass.
    const swapped = 'acme_live' + other.slice('acme_test'.length);
    expect(parseApiKey(swapped)?.checksumOk).toBe(false);
  });
});
