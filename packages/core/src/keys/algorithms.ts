/** Algorithms a portcullis keyring can generate and sign with. EdDSA (Ed25519) is the default. */
export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'HS256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze([
  'EdDSA',
  'ES256',
  'RS256',
  'HS256',
]);

/** Algorithms accepted when verifying tokens from another issuer (an IdP's JWKS). Never `none`. */
export type JwsAlgorithm =
  | SigningAlgorithm
  | 'HS384'
  | 'HS512'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES384'
  | 'ES512';

export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze([
  ...SIGNING_ALGORITHMS,
  'HS384',
  'HS512',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES384',
  'ES512',
]);

const JWS_ALGORITHM_SET = new Set<string>(JWS_ALGORITHMS);

export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && JWS_ALGORITHM_SET.has(value);
}

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

export function isSymmetric(alg: JwsAlgorithm): boolean {
  return alg.startsWith('HS');
}

/** What a JWK must look like to be used with `alg` (RFC 7518 §3, RFC 8037). */
export interface KeyRequirement {
  kty: 'oct' | 'RSA' | 'EC' | 'OKP';
  crv?: readonly string[];
  /** Minimum key size: bytes of secret for `oct`, bits of modulus for `RSA`. */
  minSize?: number;
}

export function keyRequirement(alg: JwsAlgorithm): KeyRequirement {
  switch (alg) {
    case 'HS256':
      return { kty: 'oct', minSize: 32 };
    case 'HS384':
      return { kty: 'oct', minSize: 48 };
    case 'HS512':
      return { kty: 'oct', minSize: 64 };
    case 'RS256':
    case 'RS384':
    case 'RS512':
    case 'PS256':
    case 'PS384':
    case 'PS512':
      return { kty: 'RSA', minSize: 2048 };
    case 'ES256':
      return { kty: 'EC', crv: ['P-256'] };
    case 'ES384':
      return { kty: 'EC', crv: ['P-384'] };
    case 'ES512':
      return { kty: 'EC', crv: ['P-521'] };
    case 'EdDSA':
      return { kty: 'OKP', crv: ['Ed25519', 'Ed448'] };
  }
}
