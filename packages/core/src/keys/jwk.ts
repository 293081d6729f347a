import type { JwsAlgorithm } from './algorithms.js';

/** A JSON Web Key as read from configuration: untyped members until validated. */
export type JsonWebKey = { kty: string; [member: string]: unknown };

/** The public members of a signing key that a JWKS may publish (RFC 7517). */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: JwsAlgorithm;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** A JWK Set (RFC 7517 §5). */
export interface JsonWebKeySet<K = JsonWebKey> {
  keys: K[];
}

// Public members per key type: an allow-list, so a private member (d, p, q, dp, dq, qi, k, oth) can never be copied.
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/**
 * Picks only the public members of an asymmetric JWK. Returns `undefined` for a symmetric (`oct`) key,
 * which has no public half and must never be published.
 */
export function toPublicJwk(jwk: JsonWebKey, kid: string, alg: JwsAlgorithm): PublicJwk | undefined {
  const members = PUBLIC_MEMBERS[jwk.kty];
  if (members === undefined) return undefined;
  const out: Record<string, unknown> = { kty: jwk.kty };
  for (const member of members) {
    if (typeof jwk[member] === 'string') out[member] = jwk[member];
  }
  out['kid'] = kid;
  out['alg'] = alg;
  out['use'] = 'sig';
  return Object.freeze(out) as unknown as PublicJwk;
}
