export { DPOP_ALGORITHMS, type DpopAlgorithm, jwkThumbprint } from './dpop-key.js';
export { accessTokenHash } from './dpop-proof.js';
export { createDpopProver, type DpopProofInput, type DpopProver } from './dpop-prover.js';
export {
  createDpopVerifier,
  type DpopCheck,
  type DpopCheckpoint,
  type DpopOptions,
  type DpopVerifier,
} from './dpop-verifier.js';
