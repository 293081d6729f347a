import type { JwsAlgorithm } from '../keys/algorithms.js';
import type { KeySource, VerificationKey } from '../keys/key-source.js';
import { createBoundedCache } from '../lib/bounded-cache.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { asPromise, isThenable, type MaybePromise } from '../lib/maybe-promise.js';
import { createSightings } from '../lib/sightings.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import type { SignatureBackend } from './backends/signature-backend.js';
import { principalFromClaims } from './claims.js';
import { decodeJsonObject, decodeSignature, invalidToken, splitCompactJws } from './compact.js';
import type { AccessTokenPrincipal } from './principal.js';

export interface AccessTokenVerifierOptions {
  /** Where keys come from: a `Keyring` for tokens this app issues, `createRemoteKeySet()` for an IdP's. */
  keys: KeySource;
  /** Required `iss`, compared exactly. */
  issuer: string;
  /** Accepted `aud` values: the token's `aud` must contain at least one. */
  audience: string | readonly string[];
  /**
   * Required `typ` header, compared case-insensitively with an optional `application/` prefix (RFC 9068 §4).
   * Default `"at+jwt"`, so a refresh token, ID token or any other JWT is never taken for an access token.
   * `null` disables the check — only for issuers that do not follow RFC 9068.
   */
  typ?: string | null;
  /** Further restricts which key algorithms are accepted. Default: whatever the key source's keys are pinned to. */
  algorithms?: readonly JwsAlgorithm[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds or as `"5s"`. Default 5 seconds. */
  clockTolerance?: number | string;
  /** Claims that must be present besides `iss`, `aud` and `exp`. Default `["sub", "iat", "jti"]`. */
  requiredClaims?: readonly string[];
  /** Tokens longer than this many characters are refused before any decoding or crypto. Default 8192 (8 KiB). */
  maxTokenBytes?: number;
  /**
   * Cache of verified tokens: a hit is the same token string, compared whole. An entry never outlives the
   * token's `exp`, the whole cache is dropped when a key is removed, and `isRevoked` still runs on every hit.
   * A token is admitted on its second sighting within the last `maxEntries` first sightings, so that tokens
   * presented once cost no insertion and eviction. `false` disables it. Default: up to 10 000 entries.
   */
  cache?: false | { maxEntries?: number };
  /**
   * Called for every token that passed verification, cached or not, with the verifier's clock reading;
   * `true` refuses it as revoked.
   */
  isRevoked?: (principal: AccessTokenPrincipal, now: number) => boolean | Promise<boolean>;
  /** Signature implementation. Default `nodeCryptoBackend`. */
  backend?: SignatureBackend;
  clock?: Clock;
}

/** Verifies access tokens. Every refusal is an `AuthError` with code `invalid_token` (or 503 when keys are unreachable). */
export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessTokenPrincipal>;
  /**
   * The same check as `verify`, for request hot paths: returns the principal itself when nothing had to be
   * awaited (a cached token and a synchronous `isRevoked`), a promise otherwise, and may throw the
   * `AuthError` synchronously. Code that does not count microtasks should use `verify`.
   */
  verifyMaybeSync(token: string): MaybePromise<AccessTokenPrincipal>;
  /**
   * The cached answer for `token`, or `undefined` when it is not cached (nothing else is checked then): its
   * principal once `isRevoked` passed, as `verifyMaybeSync` gives it. A cached token is the same string as
   * one that passed full verification and consists of base64url segments and dots, so a caller may skip
   * its own syntax checks on a hit.
   */
  verifyCached(token: string): MaybePromise<AccessTokenPrincipal> | undefined;
  /** Number of tokens currently cached. */
  readonly cacheSize: number;
}

interface CheckedHeader {
  alg: string;
  kid: string | undefined;
}

/** Distinct header segments remembered per verifier: one per signing key in practice. */
const HEADER_CACHE_SIZE = 64;

/**
 * Characters from the end of a token (its signature) that key the cache: 144 bits of a signature. Hashing
 * a whole token, 300 to 1,000 characters, on every request cost more than the rest of a cache hit; the
 * entry keeps the whole token, and a hit is only the same string.
 */
const CACHE_KEY_CHARS = 24;

interface CachedToken {
  token: string;
  principal: AccessTokenPrincipal;
}

function cacheKey(token: string): string {
  return token.length > CACHE_KEY_CHARS ? token.slice(token.length - CACHE_KEY_CHARS) : token;
}

function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Creates an access-token verifier.
 *
 * The key is found from the header's `kid` in the configured key source only; the algorithm is the key's
 * own, and a header naming another algorithm is refused (so `alg: none` and HS256-with-the-public-key
 * attacks find no key). Embedded `jwk`, `jku`, `x5u` and `x5c` headers are never consulted, any `crit`
 * header is refused (no extension is understood, RFC 7515 §4.1.11), and `iss`, `aud` and `exp` are required.
 *
 * On Node the whole check runs synchronously (node:crypto KeyObjects, no WebCrypto round-trips); only a
 * remote key set or an asynchronous revocation check adds an await.
 *
 * @example
 * const verifier = createAccessTokenVerifier({ keys: keyring, issuer: 'https://api.example', audience: 'api' });
 * const principal = await verifier.verify(token);
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const { keys, issuer } = options;
  if (keys === undefined || typeof keys.resolve !== 'function')
    throw new TypeError('verifier: keys must be a key source');
  if (typeof issuer !== 'string' || issuer.length === 0) throw new TypeError('verifier: issuer is required');
  const audienceList =
    typeof options.audience === 'string' ? [options.audience] : [...(options.audience ?? [])];
  if (audienceList.length === 0 || !audienceList.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new TypeError('verifier: audience is required');
  }
  const expectedTyp = options.typ === null ? null : normaliseTyp(options.typ ?? 'at+jwt');
  const allowedAlgorithms = options.algorithms ? new Set<string>(options.algorithms) : undefined;
  const maxTokenBytes = options.maxTokenBytes ?? 8192;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 64)
    throw new TypeError('verifier: maxTokenBytes must be an integer ≥ 64');
  const rules = {
    issuer,
    audiences: new Set(audienceList),
    clockTolerance: parseDuration(options.clockTolerance ?? 5, 'clockTolerance'),
    requiredClaims: Object.freeze([
      'iss',
      'aud',
      'exp',
      ...(options.requiredClaims ?? ['sub', 'iat', 'jti']),
    ]),
  };
  const backend = options.backend ?? nodeCryptoBackend;
  const clock = options.clock ?? systemClock;
  const isRevoked = options.isRevoked;
  const cacheEntries = options.cache === false ? undefined : (options.cache?.maxEntries ?? 10_000);
  const cache = cacheEntries === undefined ? undefined : createBoundedCache<CachedToken>(cacheEntries);
  // A token coming back only after `cacheEntries` other tokens would have been evicted by then: not admitted.
  const sightings = cacheEntries === undefined ? undefined : createSightings(cacheEntries);
  let cachedRevision = keys.revision;
  // Tokens signed by one key share one header segment: parse and check it once. Only accepted headers are
  // remembered, and the map is bounded, so junk headers cost a parse each and nothing more.
  const headers = new Map<string, CheckedHeader>();
  let lastSegment = '';
  let lastHeader: CheckedHeader | undefined;

  function checkHeader(token: string, firstDot: number): CheckedHeader {
    const segment = token.slice(0, firstDot);
    // Fast path: the same header as the previous token (one signing key in use).
    if (segment === lastSegment && lastHeader !== undefined) return lastHeader;
    const known = headers.get(segment);
    if (known !== undefined) {
      lastSegment = segment;
      lastHeader = known;
      return known;
    }
    const header = decodeJsonObject(segment, 'header');
    if (typeof header['alg'] !== 'string' || header['alg'] === 'none') throw invalidToken('unsupported_alg');
    if ('crit' in header) throw invalidToken('unsupported_crit');
    const typ = header['typ'];
    if (expectedTyp !== null && (typeof typ !== 'string' || normaliseTyp(typ) !== expectedTyp))
      throw invalidToken('wrong_typ');
    const kid = header['kid'];
    if (kid !== undefined && typeof kid !== 'string') throw invalidToken('malformed_kid');
    const checked = { alg: header['alg'], kid };
    if (headers.size >= HEADER_CACHE_SIZE) headers.clear();
    headers.set(segment, checked);
    lastSegment = segment;
    lastHeader = checked;
    return checked;
  }

  function claimsOf(token: string, firstDot: number, secondDot: number, now: number): AccessTokenPrincipal {
    const claims = decodeJsonObject(token.slice(firstDot + 1, secondDot), 'payload');
    return principalFromClaims(claims, rules, Math.floor(now / 1000));
  }

  function verifyWithKey(
    key: VerificationKey | undefined,
    alg: string,
    token: string,
    firstDot: number,
    secondDot: number,
    now: number,
  ): MaybePromise<AccessTokenPrincipal> {
    if (key === undefined) throw invalidToken('unknown_key');
    // The algorithm is the key's: a header naming any other (e.g. HS256 against an RSA public key) is refused.
    if (key.alg !== alg || (allowedAlgorithms !== undefined && !allowedAlgorithms.has(key.alg))) {
      throw invalidToken('algorithm_mismatch');
    }
    const signature = decodeSignature(token.slice(secondDot + 1));
    const valid = backend.verify(key, token.slice(0, secondDot), signature);
    if (isThenable(valid)) {
      return valid.then((ok) => {
        if (!ok) throw invalidToken('bad_signature');
        return claimsOf(token, firstDot, secondDot, now);
      });
    }
    if (!valid) throw invalidToken('bad_signature');
    return claimsOf(token, firstDot, secondDot, now);
  }

  function verifyUncached(token: string, now: number): MaybePromise<AccessTokenPrincipal> {
    const [firstDot, secondDot] = splitCompactJws(token);
    const header = checkHeader(token, firstDot);
    const key = keys.resolve(header);
    if (isThenable(key))
      return key.then((resolved) => verifyWithKey(resolved, header.alg, token, firstDot, secondDot, now));
    return verifyWithKey(key, header.alg, token, firstDot, secondDot, now);
  }

  function checkRevocation(principal: AccessTokenPrincipal, now: number): MaybePromise<AccessTokenPrincipal> {
    if (isRevoked === undefined) return principal;
    const revoked = isRevoked(principal, now);
    if (isThenable(revoked)) {
      return revoked.then((yes) => {
        if (yes) throw invalidToken('revoked');
        return principal;
      });
    }
    if (revoked) throw invalidToken('revoked');
    return principal;
  }

  function remember(
    token: string,
    principal: AccessTokenPrincipal,
    now: number,
    revision: number,
  ): MaybePromise<AccessTokenPrincipal> {
    // Cached only until exp: an entry can never outlive the token's own validity. Admitted on a token's
    // second sighting only: a token presented once would cost an insertion and an eviction for nothing.
    // Never admitted when a key went away while it was being verified: its key may be the one withdrawn.
    if (cache !== undefined && sightings!.seenBefore(token) && keys.revision === revision) {
      const expiresAtMs = principal.expiresAt.getTime() + rules.clockTolerance * 1000;
      cache.set(cacheKey(token), { token, principal }, expiresAtMs);
    }
    return checkRevocation(principal, now);
  }

  function cached(token: string, now: number): AccessTokenPrincipal | undefined {
    if (cache === undefined) return undefined;
    if (keys.revision !== cachedRevision) {
      cache.clear();
      cachedRevision = keys.revision;
    }
    const entry = cache.get(cacheKey(token), now);
    // Another token with the same signature tail (a tampered header or payload) is not this entry.
    return entry !== undefined && entry.token === token ? entry.principal : undefined;
  }

  function verifyCached(token: string): MaybePromise<AccessTokenPrincipal> | undefined {
    if (cache === undefined || typeof token !== 'string' || token.length > maxTokenBytes) return undefined;
    const now = clock();
    const hit = cached(token, now);
    return hit === undefined ? undefined : checkRevocation(hit, now);
  }

  function verifyNow(token: string): MaybePromise<AccessTokenPrincipal> {
    if (typeof token !== 'string' || token.length > maxTokenBytes) throw invalidToken('oversize');
    const now = clock();
    const hit = cached(token, now);
    if (hit !== undefined) return checkRevocation(hit, now);
    const revision = cachedRevision; // as `cached` just read it
    const principal = verifyUncached(token, now);
    return isThenable(principal)
      ? principal.then((p) => remember(token, p, now, revision))
      : remember(token, principal, now, revision);
  }

  return {
    verify: asPromise(verifyNow),
    verifyMaybeSync: verifyNow,
    verifyCached,
    get cacheSize() {
      return cache?.size ?? 0;
    },
  };
}
