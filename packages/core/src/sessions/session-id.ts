import { createHash } from 'node:crypto';
import { randomToken } from '../lib/random.js';

/** 32 random bytes (256 bits) as unpadded base64url: 43 characters. */
const SESSION_ID_BYTES = 32;

// 42 free characters, then one carrying the last 4 bits (its 2 low bits are 0): exactly what randomToken(32) yields.
const WELL_FORMED = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const ID_LENGTH = 43;

/** A fresh session id with 256 bits of entropy (OWASP asks for at least 64; RFC 6749 §10.10 for 128). */
export function generateSessionId(): string {
  return randomToken(SESSION_ID_BYTES);
}

/** True when `value` could have come from `generateSessionId`; anything else is refused before any store lookup. */
export function isWellFormedSessionId(value: unknown): value is string {
  return typeof value === 'string' && value.length === ID_LENGTH && WELL_FORMED.test(value);
}

/**
 * The form a session id is stored in: SHA-256, base64url. A leaked store (or a store log) yields no usable
 * id, and a fast unsalted hash is enough because the id has 256 bits of entropy, not a password's.
 */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}
