export { createRedisApiKeyStore } from './api-key-store.js';
export { createRedisStores } from './create-redis-stores.js';
export { createRedisKeyringStore } from './keyring-store.js';
export type { RedisStoresOptions } from './lib/resolve-options.js';
export { createRedisRateLimiterFactory } from './rate-limiter-factory.js';
export { recommendedRedisOptions } from './recommended-redis-options.js';
export { createRedisRefreshTokenStore } from './refresh-token-store.js';
export { createRedisRevocationStore } from './revocation-store.js';
export { createRedisSessionStore } from './session-store.js';
