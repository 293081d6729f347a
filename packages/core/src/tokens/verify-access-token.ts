import type { JwsAlgorithm } from '../keys/algorithms.js';
import type { KeySource, VerificationKey } from '../keys/key-source.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { asPromise, isThenable, type MaybePromise } from '../lib/maybe-promise.js';
import { optionError } from '../lib/option-error.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import type { SignatureBackend } from './backends/signature-backend.js';
import { principalFromClaims } from './claims.js';
import {
  type CompactJws,
  decodeJsonObject,
  decodeSignature,
  invalidToken,
  parseCompactJws,
} from './compact.js';
import { type CheckedHeader, createHeaderCheck } from './jws-header.js';
import type { AccessTokenPrincipal } from './principal.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

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
   * Cache of verified tokens (`verified-token-cache.ts`): a hit is the same token string, compared whole.
   * An entry never outlives the token's `exp`, the whole cache is dropped when a key is removed, and
   * `isRevoked` still runs on every hit. A token is admitted on its second sighting within the last
   * `maxEntries` first sightings, so that tokens presented once cost no insertion and eviction. `false`
   * disables it. Default: up to 10 000 entries.
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
  /** Number of tokens currently cached. */
  readonly cacheSize: number;
  /** Cache look-ups answered from the cache (`hits`) and not (`misses`) so far; zeros without a cache. */
  readonly cacheLookups: { readonly hits: number; readonly misses: number };
}

type VerifyNow = (token: string) => MaybePromise<AccessTokenPrincipal>;

/** Where a verifier keeps `verifyNow`'s form of its check: a symbol, so that it is no member of its public type. */
const VERIFY_NOW = Symbol.for('portcullis.verifyNow');

/**
 * `verifier.verify(token)` for core's request path: the principal itself when nothing had to be awaited (a
 * cached token and a synchronous `isRevoked`), a promise otherwise; a refusal may be thrown synchronously.
 * Every promise a request does not create is a microtask hop it does not pay.
 *
 * @internal Used by `authenticate`; application code calls `verifier.verify()`.
 * @example
 * const principal = verifyNow(parts.verifier, token);
 * return isThenable(principal) ? principal.then(toContext) : toContext(principal);
 */
export function verifyNow(verifier: AccessTokenVerifier, token: string): MaybePromise<AccessTokenPrincipal> {
  const now = (verifier as { [VERIFY_NOW]?: VerifyNow })[VERIFY_NOW];
  return now === undefined ? verifier.verify(token) : now(token);
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
 * remote key set or an asynchronous revocation check adds an await. Why not jose's `compactVerify`:
 * docs/security.md.
 *
 * @example
 * const verifier = createAccessTokenVerifier({ keys: keyring, issuer: 'https://api.example', audience: 'api' });
 * const principal = await verifier.verify(token);
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const { keys, issuer } = options;
  if (keys === undefined || typeof keys.resolve !== 'function')
    throw optionError(
      'createAccessTokenVerifier.keys',
      'is not a key source',
      'pass a keyring, or createRemoteKeySet(url)',
    );
  if (typeof issuer !== 'string' || issuer.length === 0)
    throw optionError('createAccessTokenVerifier.issuer', 'is missing', 'pass the `iss` tokens must carry');
  const audienceList =
    typeof options.audience === 'string' ? [options.audience] : [...(options.audience ?? [])];
  if (audienceList.length === 0 || !audienceList.every((a) => typeof a === 'string' && a.length > 0)) {
    throw optionError(
      'createAccessTokenVerifier.audience',
      'is missing',
      'pass the `aud` tokens must carry (a string or a list)',
    );
  }
  const allowedAlgorithms = options.algorithms ? new Set<string>(options.algorithms) : undefined;
  const maxTokenBytes = options.maxTokenBytes ?? 8192;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 64)
    throw optionError(
      'createAccessTokenVerifier.maxTokenBytes',
      'must be an integer ≥ 64',
      'omit it for 8192',
    );
  const rules = {
    issuer,
    audiences: new Set(audienceList),
    clockTolerance: parseDuration(options.clockTolerance ?? 5, 'createAccessTokenVerifier.clockTolerance'),
    requiredClaims: Object.freeze([
      'iss',
      'aud',
      'exp',
      ...(options.requiredClaims ?? ['sub', 'iat', 'jti']),
    ]),
  };
  const checkHeader = createHeaderCheck(options.typ === undefined ? 'at+jwt' : options.typ);
  const backend = options.backend ?? nodeCryptoBackend;
  const clock = options.clock ?? systemClock;
  const isRevoked = options.isRevoked;
  const cache =
    options.cache === false
      ? undefined
      : createVerifiedTokenCache({
          maxEntries: options.cache?.maxEntries ?? 10_000,
          keys,
          clockTolerance: rules.clockTolerance,
        });

  /** Size, then the cache; on a miss the full check. Revocation either way. */
  function verifyToken(token: string): MaybePromise<AccessTokenPrincipal> {
    if (typeof token !== 'string' || token.length > maxTokenBytes) throw invalidToken('oversize');
    const now = clock();
    const cached = cache?.lookup(token, now);
    if (cached !== undefined) return checkRevocation(cached, now);
    const revision = keys.revision;
    const principal = verifyFully(token, now);
    return isThenable(principal)
      ? principal.then((verified) => admitted(token, verified, revision, now))
      : admitted(token, principal, revision, now);
  }

  /** parse → header → key; the rest once the key is known (a remote key set may have to fetch it). */
  function verifyFully(token: string, now: number): MaybePromise<AccessTokenPrincipal> {
    const jws = parseCompactJws(token);
    const header = checkHeader(jws.header);
    const key = keys.resolve(header);
    return isThenable(key)
      ? key.then((resolved) => verifyWithKey(jws, header, resolved, now))
      : verifyWithKey(jws, header, key, now);
  }

  /** The key's algorithm, then the signature, then the claims: nothing of the payload is read unsigned. */
  function verifyWithKey(
    jws: CompactJws,
    header: CheckedHeader,
    key: VerificationKey | undefined,
    now: number,
  ): MaybePromise<AccessTokenPrincipal> {
    if (key === undefined) throw invalidToken('unknown_key');
    // The algorithm is the key's: a header naming any other (e.g. HS256 against an RSA public key) is refused.
    if (key.alg !== header.alg || (allowedAlgorithms !== undefined && !allowedAlgorithms.has(key.alg))) {
      throw invalidToken('algorithm_mismatch');
    }
    const valid = backend.verify(key, jws.signingInput, decodeSignature(jws.signature));
    return isThenable(valid) ? valid.then((ok) => claimsOf(jws, ok, now)) : claimsOf(jws, valid, now);
  }

  function claimsOf(jws: CompactJws, signatureValid: boolean, now: number): AccessTokenPrincipal {
    if (!signatureValid) throw invalidToken('bad_signature');
    return principalFromClaims(decodeJsonObject(jws.payload, 'payload'), rules, Math.floor(now / 1000));
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

  function admitted(
    token: string,
    principal: AccessTokenPrincipal,
    revision: number,
    now: number,
  ): MaybePromise<AccessTokenPrincipal> {
    cache?.admit(token, principal, revision);
    return checkRevocation(principal, now);
  }

  return Object.freeze({
    verify: asPromise(verifyToken),
    get cacheSize() {
      return cache?.size ?? 0;
    },
    get cacheLookups() {
      return { hits: cache?.hits ?? 0, misses: cache?.misses ?? 0 };
    },
    [VERIFY_NOW]: verifyToken,
  });
}
