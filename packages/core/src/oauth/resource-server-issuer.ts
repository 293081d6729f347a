import { AuthError } from '../errors/auth-error.js';
import { isJwsAlgorithm, isSymmetric, type JwsAlgorithm } from '../keys/algorithms.js';
import type { KeySource } from '../keys/key-source.js';
import { createRemoteKeySet } from '../keys/remote-key-set.js';
import type { Clock } from '../lib/clock.js';
import { optionError } from '../lib/option-error.js';
import type { AccessTokenPrincipal } from '../tokens/principal.js';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '../tokens/verify-access-token.js';
import { type DiscoveryAlgorithm, discover } from './discover.js';
import { createProviderHttp, isLoopbackHttp, serverUrl } from './provider-http.js';
import { cachedOnSuccess } from './single-flight.js';

/** One authorization server whose JWT access tokens (RFC 9068) a resource server accepts. */
export interface IssuerConfig {
  /** The authorization server's issuer identifier: required `iss`, and where its metadata is discovered. */
  issuer: string;
  /** Accepted `aud` values (this API's identifier at that issuer). */
  audience: string | readonly string[];
  /** Algorithms the issuer signs access tokens with; pin them. Asymmetric only. */
  algorithms: readonly JwsAlgorithm[];
  /** The issuer's JWKS. Default: `jwks_uri` from its metadata, discovered at its first token. */
  jwksUri?: string;
  /** Which metadata document to discover: OpenID Connect (`"oidc"`, default) or RFC 8414 (`"oauth2"`). */
  discovery?: DiscoveryAlgorithm;
  /** Required `typ` header. Default `"at+jwt"` (RFC 9068 §2.1); `null` only for an issuer that does not follow RFC 9068. */
  typ?: string | null;
  /** Claims required besides `iss`, `aud`, `exp`. Default `["sub", "iat", "jti"]` (RFC 9068 §2.2). */
  requiredClaims?: readonly string[];
}

/** What every issuer of one resource server shares: the checks that are the API's, not the issuer's. */
export interface SharedVerification {
  timeoutMs: number;
  clockTolerance: number | string | undefined;
  cache: false | { maxEntries?: number } | undefined;
  isRevoked: ((principal: AccessTokenPrincipal, now: number) => boolean | Promise<boolean>) | undefined;
  clock: Clock | undefined;
}

/**
 * Checks one issuer's configuration and builds its verifier: its own remote JWKS (own cache and cooldown),
 * found by discovery unless given, with its own pinned algorithms. `option` names the configuration in
 * error messages (`createResourceServer`, `createResourceServer.issuers[1]`).
 */
export function createIssuerVerifier(
  config: IssuerConfig,
  shared: SharedVerification,
  option: string,
): AccessTokenVerifier {
  if (typeof config !== 'object' || config === null)
    throw optionError(option, 'must be an object', 'give { issuer, audience, algorithms }');
  const issuer = serverUrl(config.issuer, `${option}.issuer`);
  const algorithms = config.algorithms;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    algorithms.some((a) => !isJwsAlgorithm(a) || isSymmetric(a))
  )
    throw optionError(
      `${option}.algorithms`,
      'must list asymmetric JWS algorithms',
      'such as ["RS256"] or ["ES256"], as the issuer signs its tokens',
    );
  const discovery = config.discovery ?? 'oidc';
  if (discovery !== 'oidc' && discovery !== 'oauth2')
    throw optionError(`${option}.discovery`, 'must be "oidc" or "oauth2"', 'omit it for "oidc"');
  const keySetOptions = { algorithms, timeout: shared.timeoutMs };
  const keys =
    config.jwksUri === undefined
      ? discoveredKeySet(issuer, discovery, shared.timeoutMs, keySetOptions)
      : createRemoteKeySet(serverUrl(config.jwksUri, `${option}.jwksUri`), keySetOptions);
  return createAccessTokenVerifier({
    keys,
    issuer: config.issuer,
    audience: config.audience,
    algorithms,
    // The verifier reads an absent option and `undefined` alike (its defaults are `??` and `=== undefined`).
    typ: config.typ,
    requiredClaims: config.requiredClaims,
    clockTolerance: shared.clockTolerance,
    cache: shared.cache,
    isRevoked: shared.isRevoked,
    clock: shared.clock,
  });
}

/** The JWKS named by the issuer's metadata, discovered at the first token; a failed discovery is retried. */
function discoveredKeySet(
  issuer: URL,
  discovery: DiscoveryAlgorithm,
  timeoutMs: number,
  keySetOptions: { algorithms: readonly JwsAlgorithm[]; timeout: number },
): KeySource {
  const http = createProviderHttp({ timeoutMs, fetch: undefined, allowLoopbackHttp: isLoopbackHttp(issuer) });
  const remote = cachedOnSuccess(async () => {
    const metadata = await discover(issuer, http, discovery);
    if (metadata.jwks_uri === undefined) throw new Error('no jwks_uri in the issuer metadata');
    return createRemoteKeySet(serverUrl(metadata.jwks_uri, 'jwks_uri'), keySetOptions);
  });
  let discovered: KeySource | undefined;
  return {
    // The discovered JWKS's revision: a key the issuer withdraws ends its cached tokens here too.
    get revision() {
      return discovered?.revision ?? 0;
    },
    async resolve(header) {
      let source: KeySource;
      try {
        source = await remote();
        discovered = source;
      } catch (error) {
        throw new AuthError('temporarily_unavailable', 'The token issuer’s keys could not be fetched', {
          retryAfter: 5,
          reason: 'issuer_discovery_failed',
          cause: new Error(error instanceof Error ? error.message : 'discovery failed'),
        });
      }
      return source.resolve(header);
    },
  };
}
