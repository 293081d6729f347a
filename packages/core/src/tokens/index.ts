export type { Principal, AccessTokenPrincipal, AuthMethod } from './principal.js';
export type { AccessTokenIssuer, AccessTokenIssuerOptions, AccessTokenClaimsInput, IssuedAccessToken } from './issue-access-token.js';
export { createAccessTokenIssuer } from './issue-access-token.js';
export type { AccessTokenVerifier, AccessTokenVerifierOptions } from './verify-access-token.js';
export { createAccessTokenVerifier } from './verify-access-token.js';
export type { SignatureBackend } from './backends/signature-backend.js';
export { nodeCryptoBackend } from './backends/node-crypto.js';
export { webCryptoBackend } from './backends/web-crypto.js';
