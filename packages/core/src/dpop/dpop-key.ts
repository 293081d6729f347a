import {
  constants,
  createHash,
  createPublicKey,
  verify as cryptoVerify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { createBoundedCache } from '../lib/bounded-cache.js';

/** Algorithms a DPoP proof may be signed with: asymmetric only (RFC 9449 §4.2), never `none` or an HMAC. */
export type DpopAlgorithm = 'EdDSA' | 'ES256' | 'ES384' | 'PS256' | 'RS256';

export const DPOP_ALGORITHMS: readonly DpopAlgorithm[] = Object.freeze([
  'EdDSA',
  'ES256',
  'ES384',
  'PS256',
  'RS256',
]);

/** The public-key members of each key type, in RFC 7638's lexicographic order (its thumbprint input). */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/** Which key each algorithm needs: a proof's `alg` never chooses how its own key is read. */
const KEY_OF_ALGORITHM: Readonly<Record<DpopAlgorithm, { kty: string; crv?: string }>> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  PS256: { kty: 'RSA' },
  RS256: { kty: 'RSA' },
};

/** Members that only a private (or symmetric) JWK has: a proof carrying one is refused (RFC 9449 §4.2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const MIN_RSA_BITS = 2048;

/** A proof's public key: its RFC 7638 SHA-256 thumbprint (`jkt`) and the key to verify with. */
export interface DpopPublicKey {
  readonly jkt: string;
  readonly key: KeyObject;
}

/**
 * The RFC 7638 thumbprint input of a public JWK, or `undefined` when a required member is missing or not
 * a string. Only the required members count: whatever else the JWK says cannot change its `jkt`.
 */
function thumbprintInput(jwk: Record<string, unknown>): string | undefined {
  const members = THUMBPRINT_MEMBERS[jwk['kty'] as string];
  if (members === undefined) return undefined;
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 1400) return undefined;
    canonical[name] = value;
  }
  return JSON.stringify(canonical);
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public JWK: the `jkt` a DPoP-bound token's `cnf` names. */
export function jwkThumbprint(jwk: Record<string, unknown>): string | undefined {
  const input = thumbprintInput(jwk);
  return input === undefined ? undefined : createHash('sha256').update(input).digest('base64url');
}

/**
 * Reads a proof's `jwk` header for `alg`, or `undefined` when it is no public key of the type the algorithm
 * needs. Imported keys are kept (bounded) by thumbprint: a client signs every request with one key, and
 * importing it again costs more than verifying the signature.
 */
export function createDpopKeyReader(maxEntries = 10_000) {
  // Keyed by the thumbprint input itself: a hit costs no hash, and equal inputs are equal keys.
  const imported = createBoundedCache<DpopPublicKey>(maxEntries);
  return function readKey(alg: DpopAlgorithm, jwk: unknown, now: number): DpopPublicKey | undefined {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
    const members = jwk as Record<string, unknown>;
    const needed = KEY_OF_ALGORITHM[alg];
    if (members['kty'] !== needed.kty) return undefined;
    if (needed.crv !== undefined && members['crv'] !== needed.crv) return undefined;
    if (PRIVATE_MEMBERS.some((name) => name in members)) return undefined;
    const input = thumbprintInput(members);
    if (input === undefined) return undefined;
    const cached = imported.get(input, now);
    if (cached !== undefined) return cached;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: JSON.parse(input) as JsonWebKey, format: 'jwk' });
    } catch {
      return undefined;
    }
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS)
      return undefined;
    const read = Object.freeze({ jkt: createHash('sha256').update(input).digest('base64url'), key });
    // A day: a key's bytes never change; the bound only keeps the cache from growing.
    imported.set(input, read, now + 86_400_000);
    return read;
  };
}

const ECDSA_SIGNATURE_BYTES: Partial<Record<DpopAlgorithm, number>> = { ES256: 64, ES384: 96 };

/** Whether `signature` is `alg`'s signature of `signingInput` under `key`. Never throws. */
export function verifyDpopSignature(
  alg: DpopAlgorithm,
  key: KeyObject,
  signingInput: string,
  signature: Buffer,
): boolean {
  const data = Buffer.from(signingInput, 'latin1');
  try {
    switch (alg) {
      case 'EdDSA':
        return cryptoVerify(null, data, key, signature);
      case 'ES256':
      case 'ES384':
        if (signature.length !== ECDSA_SIGNATURE_BYTES[alg]) return false;
        return cryptoVerify(
          alg === 'ES256' ? 'sha256' : 'sha384',
          data,
          { key, dsaEncoding: 'ieee-p1363' },
          signature,
        );
      case 'PS256':
        return cryptoVerify(
          'sha256',
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
          signature,
        );
      case 'RS256':
        return cryptoVerify('sha256', data, key, signature);
    }
  } catch {
    return false;
  }
}
