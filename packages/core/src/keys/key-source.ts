import type { KeyObject } from 'node:crypto';
import type { JwsAlgorithm } from './algorithms.js';
import type { JsonWebKey } from './jwk.js';

/** The protected header of a JWS, as far as key selection may look at it. */
export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  crit?: unknown;
  [member: string]: unknown;
}

/** A key able to verify one algorithm. `alg` comes from the key, never from a token. */
export interface VerificationKey {
  readonly kid: string | undefined;
  readonly alg: JwsAlgorithm;
  /** Node's key object (public key, or the secret for HMAC). */
  readonly nodeKey: KeyObject;
  /** The JWK form, for runtimes that verify through WebCrypto. */
  readonly jwk: JsonWebKey;
}

/**
 * Where a verifier finds keys: a local keyring or a remote JWKS. Only `alg` and `kid` of the header are
 * consulted — never an embedded `jwk`, `jku`, `x5u` or `x5c`.
 */
export interface KeySource {
  /** The key for this header, or `undefined` when none matches. Rejects with `AuthError` when keys cannot be fetched. */
  resolve(header: {
    alg: string;
    kid: string | undefined;
  }): VerificationKey | undefined | Promise<VerificationKey | undefined>;
  /**
   * Changes whenever a key that verified stops verifying (retired, withdrawn from a JWKS, replaced), so that
   * caches of verified tokens are dropped: a cache hit must never outlive the key that signed the token.
   */
  readonly revision: number;
}
