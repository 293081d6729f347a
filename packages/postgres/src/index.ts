export type { PostgresStoresOptions } from './create-postgres-stores.js';
export { createPostgresStores } from './create-postgres-stores.js';
export type {
  DriverQueryResult,
  PGliteDatabase,
  PGliteTransaction,
  PgPool,
  PgPoolClient,
  PostgresDatabase,
} from './database.js';
export type { MigrateOptions, MigrateResult } from './migrations/migrate.js';
export { migrate } from './migrations/migrate.js';
export type { PostgresStoreOptions } from './options.js';
export { DEFAULT_SCHEMA } from './options.js';
export type { PurgeExpiredOptions, PurgeExpiredResult } from './purge-expired.js';
export { purgeExpired } from './purge-expired.js';
export { createPostgresApiKeyStore } from './stores/api-key-store.js';
export { createPostgresIdentityStore } from './stores/identity-store.js';
export { createPostgresKeyringStore } from './stores/keyring-store.js';
export { createPostgresMfaStore } from './stores/mfa-store.js';
export { createPostgresOAuthStateStore } from './stores/oauth-state-store.js';
export { createPostgresOneTimeTokenStore } from './stores/one-time-token-store.js';
export { createPostgresRateLimiterFactory } from './stores/rate-limiter-factory.js';
export { createPostgresRefreshTokenStore } from './stores/refresh-token-store.js';
export { createPostgresRevocationStore } from './stores/revocation-store.js';
export { createPostgresSessionStore } from './stores/session-store.js';
