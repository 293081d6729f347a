import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `byteLength` random bytes as unpadded base64url. */
export function randomToken(byteLength: number): string {
  return randomBytes(byteLength).toString('base64url');
}

/**
 * A uniformly random base62 string of `length` characters (rejection sampling, so no modulo bias).
 * 43 characters carry 256 bits (log2(62) ≈ 5.954 bits each).
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(length * 2);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const byte = bytes[i]!;
      if (byte < 248) out += BASE62[byte % 62];
    }
  }
  return out;
}
