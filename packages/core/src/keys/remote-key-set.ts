import { KeyObject } from 'node:crypto';
import {
  type CryptoKey,
  createRemoteJWKSet,
  type ExportedJWKSCache,
  exportJWK,
  errors as joseErrors,
  jwksCache,
} from 'jose';
import { AuthError } from '../errors/auth-error.js';
import { optionError } from '../lib/option-error.js';
import { isJwsAlgorithm, isSymmetric, type JwsAlgorithm } from './algorithms.js';
import type { JsonWebKey } from './jwk.js';
import type { KeySource, VerificationKey } from './key-source.js';

export interface RemoteKeySetOptions {
  /**
   * Algorithms accepted from this issuer. Pin them to what the issuer uses (its metadata's
   * `id_token_signing_alg_values_supported` or documentation). Symmetric algorithms are refused: a
   * public JWKS never carries a shared secret. Default `["RS256"]`.
   */
  algorithms?: readonly JwsAlgorithm[];
  /** Milliseconds to wait for the JWKS endpoint. Default 5000. */
  timeout?: number;
  /** Minimum milliseconds between two fetches triggered by an unknown `kid`. Default 30000. */
  cooldown?: number;
  /** Milliseconds a fetched JWKS is considered fresh. Default 600000 (10 minutes). */
  cacheMaxAge?: number;
  /** Headers sent with the JWKS request (e.g. a `User-Agent`). */
  headers?: Record<string, string>;
}

/**
 * A key source backed by an issuer's remote JWKS (an IdP's `jwks_uri`), through jose's
 * `createRemoteJWKSet`: fetched with a timeout, cached, and re-fetched at most once per cooldown when an
 * unknown `kid` appears. Only the header's `alg` and `kid` are passed on; an unreachable or broken JWKS
 * endpoint fails closed with 503 `temporarily_unavailable`.
 *
 * @example const keys = createRemoteKeySet(new URL('https://idp.example/jwks'), { algorithms: ['RS256'] });
 */
export function createRemoteKeySet(url: URL, options: RemoteKeySetOptions = {}): KeySource {
  if (!(url instanceof URL))
    throw optionError('createRemoteKeySet(url)', `must be a URL, not ${typeof url}`, 'pass new URL(jwksUri)');
  if (
    url.protocol !== 'https:' &&
    url.hostname !== '127.0.0.1' &&
    url.hostname !== 'localhost' &&
    url.hostname !== '[::1]'
  ) {
    throw optionError(
      'createRemoteKeySet(url)',
      'must use https',
      'give an https:// JWKS URL (plain http only for 127.0.0.1, localhost or [::1])',
    );
  }
  const algorithms = new Set(options.algorithms ?? ['RS256']);
  for (const alg of algorithms) {
    if (!isJwsAlgorithm(alg) || isSymmetric(alg))
      throw optionError(
        'createRemoteKeySet.algorithms',
        `${JSON.stringify(String(alg))} is not allowed`,
        "list asymmetric JWS algorithms only, such as ['RS256', 'ES256']",
      );
  }
  const cacheMaxAge = options.cacheMaxAge ?? 600_000;
  // jose records every JWKS it adopts here (time and content): how this source learns that the set changed.
  const fetched: Partial<ExportedJWKSCache> = {};
  const jwks = createRemoteJWKSet(url, {
    timeoutDuration: options.timeout ?? 5000,
    cooldownDuration: options.cooldown ?? 30_000,
    cacheMaxAge,
    ...(options.headers ? { headers: options.headers } : {}),
    [jwksCache]: fetched as ExportedJWKSCache,
  });
  const converted = new WeakMap<object, VerificationKey>();
  const usable = createUsableKeyTracker();

  function noticeRefresh(): void {
    if (fetched.uat !== undefined) usable.adopt(fetched.uat, fetched.jwks);
  }

  return {
    /**
     * Changes when a refreshed JWKS lacks a key the previous one had, and once when the fetched JWKS grows
     * older than `cacheMaxAge`: a cached token is then verified again, which fetches the JWKS anew.
     */
    get revision() {
      noticeRefresh();
      return usable.revision(fetched.uat, cacheMaxAge);
    },
    async resolve(header) {
      const alg = header.alg;
      if (!isJwsAlgorithm(alg) || !algorithms.has(alg)) return undefined;
      let cryptoKey: CryptoKey;
      try {
        cryptoKey = (await jwks(header.kid === undefined ? { alg } : { alg, kid: header.kid })) as CryptoKey;
      } catch (error) {
        if (
          error instanceof joseErrors.JWKSNoMatchingKey ||
          error instanceof joseErrors.JWKSMultipleMatchingKeys
        )
          return undefined;
        if (error instanceof joseErrors.JOSENotSupported) return undefined;
        throw new AuthError('temporarily_unavailable', 'The token issuer’s keys could not be fetched', {
          cause: error,
          retryAfter: 5,
        });
      }
      let key = converted.get(cryptoKey);
      if (key === undefined) {
        key = Object.freeze({
          kid: header.kid,
          alg,
          nodeKey: KeyObject.from(cryptoKey),
          jwk: (await exportJWK(cryptoKey)) as JsonWebKey,
        });
        converted.set(cryptoKey, key);
      }
      return key;
    },
  };
}

/** One key as far as a verifier is concerned: its kid, type, algorithm and public members. */
function keyIdentity(jwk: unknown): string {
  const k = (typeof jwk === 'object' && jwk !== null ? jwk : {}) as Record<string, unknown>;
  return JSON.stringify([k['kid'], k['kty'], k['alg'], k['use'], k['crv'], k['x'], k['y'], k['n'], k['e']]);
}

/**
 * Tracks the keys of the last adopted JWKS, and turns "a key went away" (removed, or replaced under the
 * same kid) and "the JWKS is stale" into a changed revision. A key only added changes nothing: tokens
 * already verified stay good.
 */
function createUsableKeyTracker() {
  let revision = 0;
  let adoptedAt: number | undefined;
  let keys = new Set<string>();
  let staleNoticedFor: number | undefined;
  return {
    adopt(uat: number, jwks: unknown): void {
      if (uat === adoptedAt) return;
      adoptedAt = uat;
      const list = (jwks as { keys?: unknown } | undefined)?.keys;
      const next = new Set(Array.isArray(list) ? list.map(keyIdentity) : []);
      if ([...keys].some((key) => !next.has(key))) revision += 1;
      keys = next;
    },
    revision(uat: number | undefined, maxAgeMs: number): number {
      // Past its max age the JWKS may no longer hold a cached token's key: verify again (jose refetches).
      if (uat !== undefined && staleNoticedFor !== uat && Date.now() >= uat + maxAgeMs) {
        staleNoticedFor = uat;
        revision += 1;
      }
      return revision;
    },
  };
}
