import type { KeySource } from '../keys/key-source.js';
import { createBoundedCache } from '../lib/bounded-cache.js';
import { createSightings } from '../lib/sightings.js';
import type { AccessTokenPrincipal } from './principal.js';

export interface VerifiedTokenCacheOptions {
  /** Most tokens held, and the admission window: a token must come back within this many first sightings. */
  maxEntries: number;
  /** The key source tokens are verified against: any change of its `revision` drops every entry. */
  keys: Pick<KeySource, 'revision'>;
  /** Seconds past `exp` during which the verifier still accepts a token: an entry lives no longer. */
  clockTolerance: number;
}

/**
 * Tokens that passed full verification, by their exact string. `lookup` is the one look-up a request
 * makes; `admit` is the one admission rule. Revocation is none of its business: the verifier checks it on
 * every hit.
 */
export interface VerifiedTokenCache {
  /**
   * The principal `token` verified into, when this very string was admitted and has not expired at `now`
   * (ms); `undefined` otherwise. Drops every entry first when the key source's revision changed.
   */
  lookup(token: string, now: number): AccessTokenPrincipal | undefined;
  /**
   * Offers a token that has just passed verification, begun when the key source's revision was
   * `verifiedUnder`. Admitted only if the key source is still at that revision (a key may have been
   * withdrawn meanwhile) and the token was offered before within the last `maxEntries` first offers (a
   * token presented once would cost an insertion and an eviction for nothing).
   */
  admit(token: string, principal: AccessTokenPrincipal, verifiedUnder: number): void;
  /** Number of tokens held. */
  readonly size: number;
  /** Look-ups answered from the cache, and not, since it was created (for metrics: the hit ratio). */
  readonly hits: number;
  readonly misses: number;
}

/**
 * Characters from the end of a token (its signature) that key an entry: 144 bits of a signature. V8
 * hashes a string key in full, and a token is a new string on every request; the entry keeps the whole
 * token, and a hit is only the same string.
 */
const KEY_CHARS = 24;

interface Entry {
  token: string;
  principal: AccessTokenPrincipal;
}

function keyOf(token: string): string {
  return token.length > KEY_CHARS ? token.slice(token.length - KEY_CHARS) : token;
}

/**
 * Creates the verified-token cache of one verifier: bounded (oldest admission evicted first), never
 * answering past a token's `exp` (plus the clock tolerance), dropped whole when a key stops verifying.
 *
 * @example
 * const cache = createVerifiedTokenCache({ maxEntries: 10_000, keys: keyring, clockTolerance: 5 });
 * const revision = keyring.revision;
 * const principal = cache.lookup(token, Date.now()) ?? verifyFully(token);
 * cache.admit(token, principal, revision);
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions): VerifiedTokenCache {
  const { maxEntries, keys, clockTolerance } = options;
  const entries = createBoundedCache<Entry>(maxEntries);
  const sightings = createSightings(maxEntries);
  let revision = keys.revision;
  let hits = 0;
  let misses = 0;
  return {
    lookup(token, now) {
      const current = keys.revision;
      if (current !== revision) {
        entries.clear();
        revision = current;
      }
      const entry = entries.get(keyOf(token), now);
      // Another token with the same signature tail (a tampered header or payload) is not this entry.
      if (entry !== undefined && entry.token === token) {
        hits += 1;
        return entry.principal;
      }
      misses += 1;
      return undefined;
    },
    admit(token, principal, verifiedUnder) {
      if (!sightings.seenBefore(token) || keys.revision !== verifiedUnder) return;
      const expiresAtMs = principal.expiresAt.getTime() + clockTolerance * 1000;
      entries.set(keyOf(token), { token, principal }, expiresAtMs);
    },
    get size() {
      return entries.size;
    },
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
  };
}
