import type { VerificationKey } from '../../keys/key-source.js';
import type { SigningKey } from '../../keys/signing-key.js';

/**
 * Computes and checks JWS signatures. The algorithm always comes from the key (`key.alg`), never from a
 * token. Two implementations share every other step of signing and verification, and run the same tests:
 * `nodeCryptoBackend` (Node's KeyObjects, synchronous, the fast path) and `webCryptoBackend` (`crypto.subtle`,
 * for runtimes without `node:crypto`).
 */
export interface SignatureBackend {
  readonly name: string;
  sign(key: SigningKey, signingInput: string): Uint8Array | Promise<Uint8Array>;
  /** `false` for any signature that does not verify, including one of the wrong length; never throws for bad input. */
  verify(key: VerificationKey, signingInput: string, signature: Uint8Array): boolean | Promise<boolean>;
}
