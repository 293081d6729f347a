import { createBoundedCache } from '../lib/bounded-cache.js';
import type { Clock } from '../lib/clock.js';
import { sha256 } from '../lib/hash.js';
import { isThenable, type MaybePromise } from '../lib/maybe-promise.js';
import { principalFromClaims } from '../tokens/claims.js';
import { invalidToken } from '../tokens/compact.js';
import type { AccessTokenPrincipal } from '../tokens/principal.js';
import type { Introspect } from './introspection-client.js';
import type { TokenCheck } from './presented-token.js';

/** A token68 (RFC 7235 §2.1): what a bearer credential is. Anything else is refused before it is sent anywhere. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 8192;

export interface IntrospectionCheckOptions {
  introspect: Introspect;
  /** Required `iss` of the answer, when given. */
  issuer: string | undefined;
  audiences: readonly string[];
  clockToleranceSeconds: number;
  maxEntries: number;
  ttlMs: number;
  isRevoked: ((principal: AccessTokenPrincipal, now: number) => boolean | Promise<boolean>) | undefined;
  clock: Clock;
}

/**
 * The check of a resource server that asks the authorization server about each token (RFC 7662) instead of
 * verifying a signature. `active: false` is 401 `invalid_token` (reason `inactive`); an active answer becomes
 * the principal, its `aud` (and `iss` when configured), `exp` and `sub` required and checked as a JWT's
 * claims would be, every member kept in `claims` (`cnf` included, for sender-constrained tokens).
 *
 * Only active answers are cached, under the token's SHA-256 (never the token), each until the earlier of
 * `ttl` and its `exp`, at most `maxEntries` of them; concurrent first uses of one token share one request.
 * `isRevoked` runs on every use, cached or not.
 */
export function createIntrospectionCheck(options: IntrospectionCheckOptions): TokenCheck {
  const { introspect, issuer, maxEntries, ttlMs, isRevoked, clock } = options;
  const audiences = new Set(options.audiences);
  const requiredClaims = issuer === undefined ? ['aud', 'exp', 'sub'] : ['iss', 'aud', 'exp', 'sub'];
  const cache = createBoundedCache<AccessTokenPrincipal>(maxEntries);
  const pending = new Map<string, Promise<AccessTokenPrincipal>>();
  let hits = 0;
  let misses = 0;

  async function fetchPrincipal(key: string, token: string): Promise<AccessTokenPrincipal> {
    const answer: Record<string, unknown> = await introspect(token);
    if (answer['active'] !== true) throw invalidToken('inactive');
    const now = clock();
    const principal = principalFromClaims(
      answer,
      {
        // Without a configured issuer, whatever `iss` the server answered (if any) is accepted.
        issuer: issuer ?? (answer['iss'] as string),
        audiences,
        clockTolerance: options.clockToleranceSeconds,
        requiredClaims,
      },
      Math.floor(now / 1000),
    );
    cache.set(key, principal, Math.min(now + ttlMs, principal.expiresAt.getTime()));
    return principal;
  }

  function check(token: string): MaybePromise<AccessTokenPrincipal> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalidToken('oversize');
    if (!TOKEN68.test(token)) throw invalidToken('malformed_token');
    const key = sha256(token);
    const cached = cache.get(key, clock());
    if (cached !== undefined) {
      hits += 1;
      return checkRevocation(cached);
    }
    misses += 1;
    let loading = pending.get(key);
    if (loading === undefined) {
      loading = fetchPrincipal(key, token);
      // As bounded as the cache: past that many tokens awaiting an answer at once, requests are not shared.
      if (pending.size < maxEntries) {
        pending.set(key, loading);
        const forget = () => pending.delete(key);
        loading.then(forget, forget);
      }
    }
    return loading.then(checkRevocation);
  }

  function checkRevocation(principal: AccessTokenPrincipal): MaybePromise<AccessTokenPrincipal> {
    if (isRevoked === undefined) return principal;
    const revoked = isRevoked(principal, clock());
    if (isThenable(revoked))
      return revoked.then((yes) => {
        if (yes) throw invalidToken('revoked');
        return principal;
      });
    if (revoked) throw invalidToken('revoked');
    return principal;
  }

  return { check, cacheSize: () => cache.size, cacheLookups: () => ({ hits, misses }) };
}
