import { createHash } from 'node:crypto';
import { decodeJsonObject, decodeSignature, parseCompactJws } from '../tokens/compact.js';
import { type DpopAlgorithm, type DpopPublicKey, verifyDpopSignature } from './dpop-key.js';

/** What a proof must match: the request it came with, and the access token it accompanies (if any). */
export interface DpopExpectation {
  /** The request's method (`htm`). */
  readonly method: string;
  /** The normalised URLs the request may have been sent to (`htu`). */
  readonly htus: readonly string[];
  /** The hash (`accessTokenHash`) of the access token presented with the proof: the proof's `ath`. */
  readonly ath?: string;
}

export interface DpopProofRules {
  readonly algorithms: ReadonlySet<DpopAlgorithm>;
  /** How old a proof's `iat` may be, seconds. */
  readonly maxAgeSeconds: number;
  /** Allowed clock skew, seconds: a proof from slightly in the future is accepted. */
  readonly clockToleranceSeconds: number;
  readonly readKey: (alg: DpopAlgorithm, jwk: unknown, nowMs: number) => DpopPublicKey | undefined;
  readonly normaliseHtu: (value: string) => string | undefined;
}

/** A proof whose signature, type, key, method, URL, age and `ath` checked out. */
export interface CheckedDpopProof {
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  readonly nonce: unknown;
}

/** A refused proof, with the reason for logs and tests; the caller turns it into its own error form. */
export class DpopProofRefusal {
  constructor(readonly reason: string) {}
}

const MAX_JTI_LENGTH = 256;

/** Base64url SHA-256 of an access token: a proof's `ath` (RFC 9449 §4.2). */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

function refuse(reason: string): never {
  throw new DpopProofRefusal(reason);
}

function decoded<T>(decode: () => T, reason: string): T {
  try {
    return decode();
  } catch {
    return refuse(reason);
  }
}

/**
 * Checks a DPoP proof JWT (RFC 9449 §4.3) except its `jti` replay and nonce, which need state: the caller
 * does those. `typ` must be `dpop+jwt`; the algorithm must be allowed and fit the embedded public key; the
 * signature must verify under that key; `htm`, `htu` must name this request, `iat` be recent, and `ath`
 * hash the access token when one is presented. Throws `DpopProofRefusal`.
 */
export function checkDpopProof(
  proof: string,
  expected: DpopExpectation,
  rules: DpopProofRules,
  nowMs: number,
): CheckedDpopProof {
  const jws = decoded(() => parseCompactJws(proof), 'malformed_proof');
  const header = decoded(() => decodeJsonObject(jws.header, 'header'), 'malformed_proof');
  if (header['typ'] !== 'dpop+jwt') refuse('wrong_typ');
  const alg = header['alg'];
  if (typeof alg !== 'string' || !rules.algorithms.has(alg as DpopAlgorithm)) refuse('algorithm_not_allowed');
  if (header['crit'] !== undefined) refuse('unsupported_crit');
  const publicKey = rules.readKey(alg as DpopAlgorithm, header['jwk'], nowMs);
  if (publicKey === undefined) refuse('bad_jwk');
  const signature = decoded(() => decodeSignature(jws.signature), 'malformed_proof');
  if (!verifyDpopSignature(alg as DpopAlgorithm, publicKey.key, jws.signingInput, signature))
    refuse('bad_signature');

  const claims = decoded(() => decodeJsonObject(jws.payload, 'payload'), 'malformed_proof');
  const jti = claims['jti'];
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) refuse('bad_jti');
  if (claims['htm'] !== expected.method) refuse('wrong_htm');
  const htu = typeof claims['htu'] === 'string' ? rules.normaliseHtu(claims['htu']) : undefined;
  if (htu === undefined || !expected.htus.includes(htu)) refuse('wrong_htu');
  const iat = claims['iat'];
  if (typeof iat !== 'number' || !Number.isFinite(iat)) refuse('bad_iat');
  const now = nowMs / 1000;
  if (iat > now + rules.clockToleranceSeconds) refuse('iat_in_future');
  if (iat < now - rules.maxAgeSeconds - rules.clockToleranceSeconds) refuse('stale_iat');
  if (expected.ath !== undefined) {
    if (claims['ath'] === undefined) refuse('missing_ath');
    if (claims['ath'] !== expected.ath) refuse('wrong_ath');
  }
  return { jkt: publicKey.jkt, jti, iat, nonce: claims['nonce'] };
}
