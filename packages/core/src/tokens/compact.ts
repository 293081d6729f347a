import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';

const BASE64URL_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  BASE64URL_VALUE[c.charCodeAt(0)] = i;
}

export function invalidToken(reason: string, cause?: unknown): AuthError {
  return new AuthError('invalid_token', MESSAGES.invalidToken, { challenge: 'Bearer', reason, cause });
}

/** A JWS in compact form: three base64url segments joined by dots (also a token68, RFC 7235). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The segments of a compact JWS (RFC 7515 §7.1), nothing decoded yet. */
export interface CompactJws {
  readonly header: string;
  readonly payload: string;
  /** `header.payload`: what the signature covers. */
  readonly signingInput: string;
  readonly signature: string;
}

/**
 * Splits a compact JWS, refusing anything but three non-empty base64url segments before anything is
 * decoded or signed. The character check matters: signing input is hashed as latin1, which keeps only the
 * low byte of each UTF-16 unit, so `Ű` (U+0170) would verify as `p` (0x70) — a different token string
 * carrying a valid signature. Each segment is checked for its canonical spelling when it is decoded
 * (`decodeSignature`, `decodeJsonObject`).
 *
 * @example parseCompactJws('eyJ….eyJ….c2ln').signingInput // 'eyJ….eyJ…'
 */
export function parseCompactJws(token: string): CompactJws {
  if (!COMPACT_JWS.test(token)) throw invalidToken('malformed_jws');
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  return {
    header: token.slice(0, firstDot),
    payload: token.slice(firstDot + 1, secondDot),
    signingInput: token.slice(0, secondDot),
    signature: token.slice(secondDot + 1),
  };
}

/**
 * The bytes of a base64url segment, or `undefined` unless it is the canonical unpadded encoding of them.
 * Node's decoder silently skips characters outside the alphabet, drops a dangling final character and
 * ignores the unused low bits of the last one: without this check several distinct strings would decode to
 * the same bytes.
 */
function canonicalBytes(segment: string): Buffer | undefined {
  const remainder = segment.length % 4;
  if (remainder === 1) return undefined;
  if (remainder !== 0) {
    const last = BASE64URL_VALUE[segment.charCodeAt(segment.length - 1)] ?? -1;
    if (last < 0 || (last & (remainder === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  }
  const bytes = Buffer.from(segment, 'base64url');
  // Every 4 characters decode to 3 bytes: a skipped (invalid) character shows as a short decode.
  return bytes.length === Math.floor((segment.length * 3) / 4) ? bytes : undefined;
}

/**
 * Decodes a signature segment, refusing anything but the canonical unpadded base64url encoding of its
 * bytes, so that one signature has one spelling.
 */
export function decodeSignature(segment: string): Buffer {
  const signature = canonicalBytes(segment);
  if (signature === undefined) throw invalidToken('malformed_jws');
  return signature;
}

/** Refuses bytes that are not UTF-8 (rather than reading U+FFFD for them), and keeps a BOM, which JSON refuses. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a base64url JSON segment that must hold a JSON object (not an array, string or null): the
 * canonical base64url of UTF-8 JSON (RFC 7515 §2, RFC 7519 §7.2), as for the signature. A segment of
 * 4n+1 characters, which Node's decoder would shorten by one, or bytes that are no UTF-8 are refused.
 */
export function decodeJsonObject(segment: string, what: 'header' | 'payload'): Record<string, unknown> {
  const bytes = canonicalBytes(segment);
  if (bytes === undefined) throw invalidToken(`malformed_${what}`);
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch (cause) {
    throw invalidToken(`malformed_${what}`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidToken(`malformed_${what}`);
  return value as Record<string, unknown>;
}
