import { AuthError } from '../errors/auth-error.js';
import type { ApiKeyRecord } from '../stores/api-key-store.js';
import type { Principal } from '../tokens/principal.js';
import { apiKeyNotFound, invalidApiKeyRequest } from './api-key-errors.js';
import {
  checkExpiresIn,
  checkGraceSeconds,
  checkName,
  checkOwnerId,
  checkScopes,
  isApiKeyId,
} from './api-key-input.js';
import { type ApiKeyManagerOptions, resolveApiKeyOptions } from './api-key-manager-options.js';
import { type ApiKeyView, toApiKeyView } from './api-key-view.js';
import { generateApiKey } from './generate-api-key.js';
import { createApiKeyVerify } from './verify-api-key.js';

/** Longest grace a rolled key may keep working: long enough for any deployment, short enough to end. */
export const MAX_ROLL_GRACE_SECONDS = 30 * 86_400;

export interface CreateApiKeyInput {
  ownerId: string;
  /** 1–100 characters, trimmed; no control characters. */
  name: string;
  /** Scope strings; each must be in `allowedScopes` when that option is set. Duplicates are dropped. */
  scopes: readonly string[];
  /** Lifetime in whole seconds (1 to `maxExpiresIn`); `undefined` or `null` for a key that does not expire. */
  expiresIn?: number | null;
}

export interface RollApiKeyOptions {
  /** How long the old key keeps working, in whole seconds (0 to 30 days). Default 0: it stops at once. */
  graceSeconds?: number;
}

/** A newly issued key: `key` is the only copy of the secret there will ever be: show it once, never log it. */
export interface CreatedApiKey {
  readonly key: string;
  readonly apiKey: ApiKeyView;
}

/** Issues, lists, verifies, revokes and rolls API keys of the form `<prefix>_<id><secret>_<checksum>`. */
export interface ApiKeyManager {
  /** The prefix new keys get and verified keys must have. */
  readonly prefix: string;
  /** Issues a key. Bad input is 400 `invalid_request`. */
  create(input: CreateApiKeyInput): Promise<CreatedApiKey>;
  /** Every key of the owner (revoked and expired ones included), newest first. */
  list(ownerId: string): Promise<ApiKeyView[]>;
  /** The key's principal, or 401 `invalid_token` "Invalid API key" with a precise `reason`. */
  verify(key: string): Promise<Principal>;
  /** Stops a key at once; revoking a revoked key changes nothing. 404 `not_found` unless the owner's. */
  revoke(ownerId: string, id: string): Promise<void>;
  /**
   * Replaces a key: a new key with the same name, scopes and lifetime, and the old one expires after the
   * grace (never later than it already would). 404 for a revoked, expired or someone else's key;
   * 409 `conflict` for a key that was already rolled (roll its replacement instead).
   */
  roll(ownerId: string, id: string, options?: RollApiKeyOptions): Promise<CreatedApiKey>;
}

/**
 * Creates an API-key manager. Keys carry a 12-character public id (the store lookup) and a 43-character
 * secret (256 bits); only an HMAC of the whole key under `pepper` is stored.
 *
 * @example
 * const apiKeys = createApiKeyManager({ store, pepper: process.env.API_KEY_PEPPER!, allowedScopes: ['reports:read'] });
 * const { key, apiKey } = await apiKeys.create({ ownerId: user.id, name: 'CI', scopes: ['reports:read'], expiresIn: 86_400 });
 * const principal = await apiKeys.verify(request.headers['x-api-key']);
 */
export function createApiKeyManager(options: ApiKeyManagerOptions): ApiKeyManager {
  const resolved = resolveApiKeyOptions(options);
  const { store, hasher, prefix, allowedScopes, maxExpiresInSeconds, clock } = resolved;

  async function issue(
    fields: Pick<ApiKeyRecord, 'ownerId' | 'name' | 'scopes' | 'rolledFrom'>,
    lifetimeMs: number | null,
    now: number,
  ): Promise<CreatedApiKey> {
    const { key, id } = generateApiKey(prefix);
    const record: ApiKeyRecord = {
      ...fields,
      id,
      prefix,
      hash: hasher.hash(key),
      createdAt: now,
      expiresAt: lifetimeMs === null ? null : now + lifetimeMs,
      revokedAt: null,
      lastUsedAt: null,
    };
    await store.create(record);
    return Object.freeze({ key, apiKey: toApiKeyView(record) });
  }

  /** The owner's key, or 404 — the same 404 whether the id is unknown or belongs to someone else. */
  async function findOwned(ownerId: unknown, id: unknown): Promise<ApiKeyRecord> {
    const owner = checkOwnerId(ownerId);
    if (!isApiKeyId(id)) throw apiKeyNotFound();
    const record = await store.findById(id);
    if (record === null || record.ownerId !== owner) throw apiKeyNotFound();
    return record;
  }

  return {
    prefix,
    verify: createApiKeyVerify(resolved),

    async create(input) {
      if (typeof input !== 'object' || input === null)
        throw invalidApiKeyRequest('API key input is required');
      const ownerId = checkOwnerId(input.ownerId);
      const name = checkName(input.name);
      const scopes = checkScopes(input.scopes, allowedScopes);
      const expiresIn = checkExpiresIn(input.expiresIn, maxExpiresInSeconds);
      return issue(
        { ownerId, name, scopes, rolledFrom: null },
        expiresIn === null ? null : expiresIn * 1000,
        clock(),
      );
    },

    async list(ownerId) {
      const owner = checkOwnerId(ownerId);
      const records = await store.listByOwner(owner);
      return records.filter((record) => record.ownerId === owner).map(toApiKeyView);
    },

    async revoke(ownerId, id) {
      const record = await findOwned(ownerId, id);
      if (record.revokedAt !== null) return;
      if (!(await store.update(record.id, { revokedAt: clock() }))) throw apiKeyNotFound();
    },

    async roll(ownerId, id, rollOptions = {}) {
      const graceSeconds = checkGraceSeconds(rollOptions?.graceSeconds, MAX_ROLL_GRACE_SECONDS);
      const old = await findOwned(ownerId, id);
      const now = clock();
      // A dead key has nothing to hand over: rolling it would mint a fresh key from a credential that no
      // longer works, so it is treated like a missing one.
      if (old.revokedAt !== null || (old.expiresAt !== null && now >= old.expiresAt)) throw apiKeyNotFound();
      // A second roll would fork the key into two replacements (and misread the shortened expiry as its
      // lifetime). A revoked replacement does not count, so revoking it re-opens the roll.
      const siblings = await store.listByOwner(old.ownerId);
      if (siblings.some((record) => record.rolledFrom === old.id && record.revokedAt === null)) {
        throw new AuthError('conflict', 'API key was already rolled; roll its replacement instead');
      }
      // Same policy as the old key: its original lifetime (null stays null), counted from now.
      const lifetimeMs = old.expiresAt === null ? null : old.expiresAt - old.createdAt;
      const created = await issue(
        { ownerId: old.ownerId, name: old.name, scopes: [...old.scopes], rolledFrom: old.id },
        lifetimeMs,
        now,
      );
      const graceEnd = now + graceSeconds * 1000;
      // The new key exists first, so a failure here never leaves the owner without a working key. When it
      // fails, the unseen replacement is revoked (best effort) so that the roll can simply be retried.
      try {
        await store.update(old.id, {
          expiresAt: old.expiresAt === null ? graceEnd : Math.min(old.expiresAt, graceEnd),
        });
      } catch (error) {
        await Promise.resolve()
          .then(() => store.update(created.apiKey.id, { revokedAt: now }))
          .catch(() => undefined);
        throw error;
      }
      return created;
    },
  };
}
