import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';

const BASE64URL_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  BASE64URL_VALUE[c.charCodeAt(0)] = i;
}

export function invalidToken(reason: string, cause?: unknown): AuthError {
  return new AuthError('invalid_token', MESSAGES.invalidToken, { challenge: 'Bearer', reason, cause });
}

/**
 * The positions of the two dots of a compact JWS (RFC 7515 §7.1); refuses anything but three non-empty
 * segments. The header and payload are covered by the signature byte for byte, so a stray character there
 * fails verification; the signature segment itself is checked with `isCanonicalBase64Url`.
 */
export function splitCompactJws(token: string): [firstDot: number, secondDot: number] {
  const firstDot = token.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1);
  if (
    firstDot < 1 ||
    secondDot < firstDot + 2 ||
    secondDot >= token.length - 1 ||
    token.indexOf('.', secondDot + 1) !== -1
  ) {
    throw invalidToken('malformed_jws');
  }
  return [firstDot, secondDot];
}

/**
 * Decodes a signature segment, refusing anything but the canonical unpadded base64url encoding of its
 * bytes. Node's decoder silently skips characters outside the alphabet and ignores the unused low bits of
 * the last character; without this check several distinct strings would carry the same signature.
 */
export function decodeSignature(segment: string): Buffer {
  const remainder = segment.length % 4;
  if (remainder === 1) throw invalidToken('malformed_jws');
  if (remainder !== 0) {
    const last = BASE64URL_VALUE[segment.charCodeAt(segment.length - 1)] ?? -1;
    if (last < 0 || (last & (remainder === 2 ? 0x0f : 0x03)) !== 0) throw invalidToken('malformed_jws');
  }
  const signature = Buffer.from(segment, 'base64url');
  // Every 4 characters decode to 3 bytes: a skipped (invalid) character shows as a short decode.
  if (signature.length !== Math.floor((segment.length * 3) / 4)) throw invalidToken('malformed_jws');
  return signature;
}

/** Decodes a base64url JSON segment that must hold a JSON object (not an array, string or null). */
export function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch (cause) {
    throw invalidToken(`malformed_${what}`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidToken(`malformed_${what}`);
  return value as Record<string, unknown>;
}
