import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import type { ApiKeyStore } from '../stores/api-key-store.js';
import type { Principal } from '../tokens/principal.js';
import { DEFAULT_API_KEY_PREFIX, isValidApiKeyPrefix } from './api-key-format.js';
import { type ApiKeyHasher, createApiKeyHasher } from './api-key-hasher.js';
import { isScopeToken } from './api-key-input.js';

/** Called after a key verified; throw (e.g. a 429 `rate_limited` `AuthError`) to refuse the request. */
export type ApiKeyRateLimitHook = (keyId: string, principal: Principal) => void | Promise<void>;

export interface ApiKeyManagerOptions {
  store: ApiKeyStore;
  /**
   * Server-side secret the stored key hashes are keyed with (HMAC-SHA-256), at least 32 random bytes.
   * Keep it outside the database: a leaked table alone then cannot be used to check guessed keys.
   */
  pepper: string | Uint8Array;
  /**
   * Former peppers, tried in order only when the current one does not match, so keys created before a
   * rotation keep verifying. Their hashes are not rewritten (the store cannot patch `hash`): keep a
   * pepper here until every key created under it has expired, been revoked or been rolled.
   */
  previousPeppers?: readonly (string | Uint8Array)[];
  /** Visible prefix of new keys, e.g. `pc_live` or `pc_test`; only keys with this prefix verify. Default `pc_live`. */
  prefix?: string;
  /** When given, `create` refuses any other scope with 400 `invalid_request`. */
  allowedScopes?: readonly string[];
  /** Longest `expiresIn` accepted by `create`, in seconds or as `"365d"`. Default 5 years (`"1825d"`). */
  maxExpiresIn?: number | string;
  /** Minimum time between `lastUsedAt` writes for one key, in seconds or as `"1m"`. Default 60 seconds. */
  lastUsedThrottle?: number | string;
  /** Per-key rate limiting, called after every successful verification and before `lastUsedAt` is written. */
  rateLimit?: ApiKeyRateLimitHook;
  clock?: Clock;
}

/** Options after validation, with defaults applied. */
export interface ResolvedApiKeyOptions {
  store: ApiKeyStore;
  hasher: ApiKeyHasher;
  prefix: string;
  allowedScopes: ReadonlySet<string> | undefined;
  maxExpiresInSeconds: number;
  lastUsedThrottleMs: number;
  rateLimit: ApiKeyRateLimitHook | undefined;
  clock: Clock;
}

const STORE_METHODS = ['create', 'findById', 'listByOwner', 'update'] as const;

export function resolveApiKeyOptions(options: ApiKeyManagerOptions): ResolvedApiKeyOptions {
  if (typeof options !== 'object' || options === null)
    throw optionError('apiKeys', 'must be an object', 'pass { store, pepper }');
  const { store } = options;
  if (
    typeof store !== 'object' ||
    store === null ||
    !STORE_METHODS.every((m) => typeof store[m] === 'function')
  ) {
    throw optionError('apiKeys.store', 'is not an ApiKeyStore', 'pass one, such as stores.apiKeys');
  }
  const prefix = options.prefix ?? DEFAULT_API_KEY_PREFIX;
  if (!isValidApiKeyPrefix(prefix)) {
    throw optionError(
      'apiKeys.prefix',
      'must be lowercase letters and digits in segments joined by "_", at most 32 characters',
      'such as "myapp_live", or omit it for "pc_live"',
    );
  }
  let allowedScopes: ReadonlySet<string> | undefined;
  if (options.allowedScopes !== undefined) {
    if (!Array.isArray(options.allowedScopes) || !options.allowedScopes.every(isScopeToken)) {
      throw optionError(
        'apiKeys.allowedScopes',
        'must be an array of scope strings',
        "give scopes without spaces, quotes or backslashes, such as ['reports:read']",
      );
    }
    allowedScopes = new Set(options.allowedScopes);
  }
  const maxExpiresInSeconds = parseDuration(options.maxExpiresIn ?? '1825d', 'apiKeys.maxExpiresIn');
  if (!Number.isSafeInteger(maxExpiresInSeconds) || maxExpiresInSeconds < 1) {
    throw optionError(
      'apiKeys.maxExpiresIn',
      'must be a whole number of seconds ≥ 1',
      'omit it for 1825 days',
    );
  }
  const lastUsedThrottleMs = parseDuration(options.lastUsedThrottle ?? 60, 'apiKeys.lastUsedThrottle') * 1000;
  if (options.rateLimit !== undefined && typeof options.rateLimit !== 'function') {
    throw optionError(
      'apiKeys.rateLimit',
      `must be a function, not ${typeof options.rateLimit}`,
      'omit it for no limit',
    );
  }
  if (options.clock !== undefined && typeof options.clock !== 'function')
    throw optionError(
      'apiKeys.clock',
      `must be a function, not ${typeof options.clock}`,
      'omit it for Date.now',
    );
  return {
    store,
    hasher: createApiKeyHasher(options.pepper, options.previousPeppers ?? []),
    prefix,
    allowedScopes,
    maxExpiresInSeconds,
    lastUsedThrottleMs,
    rateLimit: options.rateLimit,
    clock: options.clock ?? systemClock,
  };
}
