import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('gives the CRC-32/ISO-HDLC check value and the empty-input value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  it.skipIf(zlibCrc32 === undefined)('agrees with zlib.crc32 on random input', () => {
    for (let length = 0; length < 300; length += 7) {
      const bytes = randomBytes(length);
      expect(crc32(bytes)).toBe(zlibCrc32!(bytes));
    }
  });
});
