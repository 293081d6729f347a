import type { AdapterAuth } from '../adapter/adapter-auth.js';
import { AUTHENTICATE_NOW, type AuthenticateNow } from '../adapter/authenticate-now.js';
import { authenticateBearer } from '../auth/authenticate.js';
import { AuthError } from '../errors/auth-error.js';
import { missingCredentials } from '../http/bearer.js';
import { errorResponse } from '../http/error-response.js';
import { assertNoCredentialsInUrl } from '../http/url-credentials.js';
import { isJwsAlgorithm, isSymmetric, type JwsAlgorithm } from '../keys/algorithms.js';
import type { KeySource } from '../keys/key-source.js';
import { createRemoteKeySet } from '../keys/remote-key-set.js';
import type { Clock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { asPromise } from '../lib/maybe-promise.js';
import { optionError } from '../lib/option-error.js';
import { createPolicy, type PolicyDefinition } from '../policy/create-policy.js';
import type { Requirement } from '../policy/requirement.js';
import type { AccessTokenPrincipal, Principal } from '../tokens/principal.js';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '../tokens/verify-access-token.js';
import { type DiscoveryAlgorithm, discover } from './discover.js';
import { createProviderHttp, isLoopbackHttp, serverUrl } from './provider-http.js';
import { cachedOnSuccess } from './single-flight.js';

export interface ResourceServerOptions {
  /** The authorization server's issuer identifier: required `iss`, and where its metadata is discovered. */
  issuer: string;
  /** Accepted `aud` values (this API's identifier). */
  audience: string | readonly string[];
  /** The issuer's JWKS. Default: `jwks_uri` from its metadata, discovered at the first token. */
  jwksUri?: string;
  /** Which metadata document to discover: OpenID Connect (`openid-configuration`, default) or RFC 8414 (`oauth-authorization-server`). */
  discovery?: DiscoveryAlgorithm;
  /** Algorithms the issuer signs access tokens with; pin them. Asymmetric only. Default `["RS256"]`. */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Required `typ` header. Default `"at+jwt"` (RFC 9068 §2.1), so an ID token or any other JWT of the issuer
   * is never taken for an access token. `null` only for an issuer that does not follow RFC 9068.
   */
  typ?: string | null;
  /** Claims required besides `iss`, `aud`, `exp`. Default `["sub", "iat", "jti"]` (RFC 9068 §2.2). */
  requiredClaims?: readonly string[];
  /** Allowed clock skew, seconds or `"5s"`. Default 5 seconds. */
  clockTolerance?: number | string;
  /** Roles and permissions, as `createAuth`'s `policy`, for `authorize`. */
  policy?: PolicyDefinition;
  /** Time allowed for the discovery and each JWKS request, seconds or `"10s"`. Default 10 seconds. */
  timeout?: number | string;
  /** Cache of verified tokens (see `createAccessTokenVerifier`). Default up to 10 000 entries. */
  cache?: false | { maxEntries?: number };
  /** Called for every verified token; `true` refuses it as revoked. */
  isRevoked?: (principal: AccessTokenPrincipal, now: number) => boolean | Promise<boolean>;
  /** The `realm` of `WWW-Authenticate` challenges. Default `"portcullis"`. */
  realm?: string;
  clock?: Clock;
}

/** What the adapters' `authenticate`/`authorize` middleware needs (`AdapterAuth`), for tokens of an external issuer. */
export interface ResourceServer extends AdapterAuth {
  readonly verifier: AccessTokenVerifier;
  /** None: a resource server only protects routes. Present so that every adapter accepts it in place of `Auth`. */
  readonly routes: readonly [];
}

/**
 * Protects an API with access tokens issued by an external authorization server (RFC 9068 JWT access
 * tokens): each token's signature is checked against the issuer's JWKS — found by discovery unless given,
 * fetched with a timeout and cached — with the algorithms pinned, `iss`, `aud`, `exp` and `typ` required.
 * Only the `Authorization: Bearer` header is read, and a credential in the URL is refused first, as by
 * `createAuth`'s `authenticate`. An unreachable issuer fails closed with 503.
 *
 * @example
 * const api = createResourceServer({ issuer: 'https://idp.example', audience: 'https://api.example', algorithms: ['RS256'] });
 * app.use(authenticate(api)); // @portcullis/hono
 */
export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  if (typeof options !== 'object' || options === null)
    throw optionError('createResourceServer(options)', 'must be an object', 'pass { issuer, audience }');
  const issuer = serverUrl(options.issuer, 'createResourceServer.issuer');
  const timeoutMs = parseDuration(options.timeout ?? 10, 'createResourceServer.timeout') * 1000;
  if (timeoutMs <= 0)
    throw optionError('createResourceServer.timeout', 'must be more than 0', 'omit it for 10 seconds');
  const algorithms = options.algorithms ?? ['RS256'];
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    algorithms.some((a) => !isJwsAlgorithm(a) || isSymmetric(a))
  )
    throw optionError(
      'createResourceServer.algorithms',
      'must list asymmetric JWS algorithms',
      'such as ["RS256"], or omit it for ["RS256"]',
    );
  const discovery = options.discovery ?? 'oidc';
  if (discovery !== 'oidc' && discovery !== 'oauth2')
    throw optionError('createResourceServer.discovery', 'must be "oidc" or "oauth2"', 'omit it for "oidc"');
  const keySetOptions = { algorithms, timeout: timeoutMs };
  let keys: KeySource;
  if (options.jwksUri !== undefined) {
    keys = createRemoteKeySet(serverUrl(options.jwksUri, 'createResourceServer.jwksUri'), keySetOptions);
  } else {
    const http = createProviderHttp({
      timeoutMs,
      fetch: undefined,
      allowLoopbackHttp: isLoopbackHttp(issuer),
    });
    const remote = cachedOnSuccess(async () => {
      const metadata = await discover(issuer, http, discovery);
      if (metadata.jwks_uri === undefined) throw new Error('no jwks_uri in the issuer metadata');
      return createRemoteKeySet(serverUrl(metadata.jwks_uri, 'jwks_uri'), keySetOptions);
    });
    let discovered: KeySource | undefined;
    keys = {
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
  const verifier = createAccessTokenVerifier({
    keys,
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    // The verifier reads an absent option and `undefined` alike (its defaults are `??` and `=== undefined`).
    typ: options.typ,
    requiredClaims: options.requiredClaims,
    clockTolerance: options.clockTolerance,
    cache: options.cache,
    isRevoked: options.isRevoked,
    clock: options.clock,
  });
  const policy = createPolicy(options.policy);
  const realm = options.realm ?? 'portcullis';
  const authenticateNow: AuthenticateNow = (request, authenticateOptions) => {
    if (authenticateOptions?.via !== undefined && !authenticateOptions.via.includes('bearer'))
      throw optionError(
        'authenticate().via',
        'leaves out bearer, and a resource server authenticates bearer tokens only',
        "use via: ['bearer'], or omit it",
      );
    assertNoCredentialsInUrl(request.url);
    const context = authenticateBearer(verifier, request);
    if (context === null) throw missingCredentials();
    return context;
  };

  return Object.freeze({
    verifier,
    routes: Object.freeze([]) as readonly [],
    authenticate: asPromise(authenticateNow),
    [AUTHENTICATE_NOW]: authenticateNow,
    authorize(principal: Principal, requirement: Requirement) {
      policy.enforce(principal, requirement);
    },
    errorResponse(error: unknown) {
      return errorResponse(error, { realm });
    },
  });
}
