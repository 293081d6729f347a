import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';
import type { JwsHeader } from '../keys/key-source.js';

// Three non-empty base64url segments. Checked before decoding because Node's base64url decoder silently
// skips characters outside the alphabet, which would let two different strings verify as one token.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A compact JWS split into its parts; nothing about it is trusted yet. */
export interface DecodedJws {
  header: JwsHeader;
  /** `<header>.<payload>` exactly as received: what the signature covers. */
  signingInput: string;
  payloadSegment: string;
  signature: Buffer;
}

export function invalidToken(reason: string, cause?: unknown): AuthError {
  return new AuthError('invalid_token', MESSAGES.invalidToken, { challenge: 'Bearer', reason, cause });
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

/**
 * Splits a compact JWS (RFC 7515 §7.1) and decodes its protected header. Refuses, as `invalid_token`,
 * anything that is not exactly three non-empty base64url segments — so an unsigned (`alg: none`) or
 * signature-stripped token never reaches key selection — and any header that is not a JSON object.
 */
export function decodeCompactJws(token: string): DecodedJws {
  if (!COMPACT_JWS.test(token)) throw invalidToken('malformed_jws');
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const header = decodeJsonObject(token.slice(0, firstDot), 'header') as JwsHeader;
  const signatureSegment = token.slice(secondDot + 1);
  const signature = Buffer.from(signatureSegment, 'base64url');
  // Canonical encoding only: otherwise the unused low bits of the last character would let several
  // distinct strings carry the same signature.
  if (signature.toString('base64url') !== signatureSegment) throw invalidToken('malformed_jws');
  return {
    header,
    signingInput: token.slice(0, secondDot),
    payloadSegment: token.slice(firstDot + 1, secondDot),
    signature,
  };
}
