export { nodeCryptoBackend } from './backends/node-crypto.js';
export type { SignatureBackend } from './backends/signature-backend.js';
export { webCryptoBackend } from './backends/web-crypto.js';
export type {
  AccessTokenClaimsInput,
  AccessTokenIssuer,
  AccessTokenIssuerOptions,
  IssuedAccessToken,
} from './issue-access-token.js';
export { createAccessTokenIssuer } from './issue-access-token.js';
export type { AccessTokenPrincipal, AuthMethod, Principal } from './principal.js';
export type { AccessTokenVerifier, AccessTokenVerifierOptions } from './verify-access-token.js';
export { createAccessTokenVerifier } from './verify-access-token.js';
