import type { Principal } from '../tokens/principal.js';
import { invalidApiKey } from './api-key-errors.js';
import { MAX_API_KEY_LENGTH, parseApiKey } from './api-key-format.js';
import type { ResolvedApiKeyOptions } from './api-key-manager-options.js';
import { apiKeyPrincipal } from './api-key-view.js';

/**
 * Builds `verify`. The order is deliberate: everything that needs no I/O (length, format, checksum, prefix)
 * runs first, so typos, truncated copies and random garbage never reach the store; then one lookup by the
 * public id, a constant-time hash comparison, the revocation and expiry checks, the rate-limit hook, and
 * last of all the throttled `lastUsedAt` write.
 */
export function createApiKeyVerify(options: ResolvedApiKeyOptions): (key: unknown) => Promise<Principal> {
  const { store, hasher, prefix, clock, lastUsedThrottleMs, rateLimit } = options;
  // Keys whose `lastUsedAt` write is in flight: concurrent requests on one key cause one write, not many.
  const touching = new Set<string>();

  function touch(id: string, lastUsedAt: number | null, now: number): void {
    if ((lastUsedAt !== null && now - lastUsedAt < lastUsedThrottleMs) || touching.has(id)) return;
    touching.add(id);
    // Not awaited and never rejected: bookkeeping must not slow down or fail a request that already
    // passed authentication. A failed write is retried by the next request (the stored value is unchanged).
    Promise.resolve()
      .then(() => store.update(id, { lastUsedAt: now }))
      .catch(() => undefined)
      .finally(() => touching.delete(id));
  }

  return async function verify(key) {
    if (key === undefined || key === null || key === '') throw invalidApiKey('missing');
    if (typeof key !== 'string') throw invalidApiKey('malformed');
    if (key.length > MAX_API_KEY_LENGTH) throw invalidApiKey('oversize');
    const parsed = parseApiKey(key);
    if (parsed === null) throw invalidApiKey('malformed');
    if (!parsed.checksumOk) throw invalidApiKey('bad_checksum');
    // A test key presented to a live server (or the reverse) is refused before any lookup.
    if (parsed.prefix !== prefix) throw invalidApiKey('wrong_prefix');
    // A failing store rejects here and the error propagates: authentication fails closed.
    const record = await store.findById(parsed.id);
    if (record === null || record.id !== parsed.id) throw invalidApiKey('unknown');
    // The id is public; only the hash of the whole key (secret, prefix and checksum included) proves possession.
    if (!hasher.matches(key, record.hash)) throw invalidApiKey('hash_mismatch');
    const now = clock();
    if (record.revokedAt !== null) throw invalidApiKey('revoked');
    if (record.expiresAt !== null && now >= record.expiresAt) throw invalidApiKey('expired');
    const principal = apiKeyPrincipal(record);
    if (rateLimit !== undefined) await rateLimit(record.id, principal);
    touch(record.id, record.lastUsedAt, now);
    return principal;
  };
}
