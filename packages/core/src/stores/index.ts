export type { ApiKeyPatch, ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
export type { AuthStores } from './auth-stores.js';
export { guardStore } from './guard-store.js';
export type { IdentityRecord, IdentityStore } from './identity-store.js';
export type { MemoryStoresOptions } from './memory/create-memory-stores.js';
export { createMemoryStores } from './memory/create-memory-stores.js';
export { createMemoryApiKeyStore } from './memory/memory-api-key-store.js';
export { createMemoryIdentityStore } from './memory/memory-identity-store.js';
export { createMemoryMfaStore } from './memory/memory-mfa-store.js';
export { createMemoryOAuthStateStore } from './memory/memory-oauth-state-store.js';
export { createMemoryOneTimeTokenStore } from './memory/memory-one-time-token-store.js';
export { createMemoryRefreshTokenStore } from './memory/memory-refresh-token-store.js';
export { createMemoryRevocationStore } from './memory/memory-revocation-store.js';
export { createMemorySessionStore } from './memory/memory-session-store.js';
export type { MfaFactorsRecord, MfaStore } from './mfa-store.js';
export type { OAuthStateStore } from './oauth-state-store.js';
export type {
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  OneTimeTokenStore,
} from './one-time-token-store.js';
export type {
  RefreshFamily,
  RefreshTokenState,
  RefreshTokenStore,
  RotateResult,
} from './refresh-token-store.js';
export type { RevocationCheck, RevocationStore } from './revocation-store.js';
export type { SessionRecord, SessionStore } from './session-store.js';
export { storeUnavailable } from './store-unavailable.js';
