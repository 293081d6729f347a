export type { ApiKeyRefusalReason } from './api-key-errors.js';
export type { ParsedApiKey } from './api-key-format.js';
export {
  API_KEY_CHECKSUM_LENGTH,
  API_KEY_ID_LENGTH,
  API_KEY_SECRET_LENGTH,
  DEFAULT_API_KEY_PREFIX,
  isValidApiKeyPrefix,
  looksLikeApiKey,
  MAX_API_KEY_LENGTH,
  parseApiKey,
} from './api-key-format.js';
export type {
  ApiKeyManager,
  CreateApiKeyInput,
  CreatedApiKey,
  RollApiKeyOptions,
} from './api-key-manager.js';
export { createApiKeyManager, MAX_ROLL_GRACE_SECONDS } from './api-key-manager.js';
export type { ApiKeyManagerOptions, ApiKeyRateLimitHook } from './api-key-manager-options.js';
export type { ApiKeyView } from './api-key-view.js';
