import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors/auth-error.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import { type DiscoveryAlgorithm, discover } from './discover.js';
import { createProviderHttp, type FetchLike, isLoopbackHttp, serverUrl } from './provider-http.js';
import { providerErrorCode } from './refusal.js';
import { cachedOnSuccess } from './single-flight.js';

export interface ClientCredentialsOptions {
  /** The authorization server's issuer: its `token_endpoint` is discovered (once). Give this or `tokenEndpoint`. */
  issuer?: string;
  /** The token endpoint itself, when there is no discovery. */
  tokenEndpoint?: string;
  /** Which metadata document to discover from `issuer`. Default `"oidc"`. */
  discovery?: DiscoveryAlgorithm;
  clientId: string;
  /** Sent with `client_secret_basic`. Never logged. */
  clientSecret: string;
  /** Scopes to ask for. */
  scope?: string | readonly string[];
  /** An `audience` parameter (Auth0 and others name the API this way). */
  audience?: string;
  /** RFC 8707 resource indicator(s) of the API the token is for. */
  resource?: string | readonly string[];
  /**
   * How long before expiry a cached token is replaced, in seconds or as `"60s"`. Default: 60 seconds or a
   * tenth of the token's lifetime, whichever is shorter.
   */
  refreshBefore?: number | string;
  /** Time allowed for each request, seconds or `"10s"`. Default 10 seconds. */
  timeout?: number | string;
  /** A `fetch` implementation, e.g. one going through a proxy. Default the global `fetch`. */
  fetch?: FetchLike;
  /**
   * A key pair (WebCrypto, e.g. `generateKeyPair('EdDSA')` of jose) to ask for DPoP-bound tokens (RFC 9449):
   * every token request carries a proof of it, server nonces are followed, and the token works only with
   * proofs of the same key (`createDpopProver({ privateKey, publicKey })` makes them for the API calls).
   */
  dpop?: Parameters<typeof oauth.DPoP>[1];
  clock?: Clock;
}

/** A cached service token of one client. */
export interface ClientCredentials {
  /** A live access token: the cached one, or a new one when it is about to expire. Concurrent calls share one request. */
  getToken(): Promise<string>;
  /** Drops the cached token (e.g. after the API answered 401), so the next `getToken()` fetches a new one. */
  invalidate(): void;
}

function strings(value: string | readonly string[] | undefined, what: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v.length > 0))
    throw optionError(
      `createClientCredentials.${what}`,
      'must be a string or an array of non-empty strings',
      "such as ['reports:read']",
    );
  return [...list];
}

function unavailable(error: unknown): AuthError {
  let reason = 'token_request_failed';
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError)
    reason = `token_endpoint_error:${providerErrorCode(error)}`;
  else if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    reason = 'timeout';
  else if (error instanceof oauth.OperationProcessingError) reason = 'bad_response';
  else if (error instanceof TypeError) reason = 'unreachable';
  return new AuthError('temporarily_unavailable', 'An access token could not be obtained', {
    retryAfter: 5,
    reason,
    cause: new Error(error instanceof Error ? error.message : 'token request failed'),
  });
}

/**
 * Tokens for service-to-service calls (OAuth 2.0 client credentials grant, RFC 6749 §4.4): obtained with
 * `client_secret_basic`, cached until shortly before they expire, fetched once however many callers ask
 * at the same time. A failure is never cached: it rejects with 503 `temporarily_unavailable` the callers
 * waiting for that request, and the next call tries again.
 *
 * @example
 * const tokens = createClientCredentials({ issuer: 'https://idp.example', clientId, clientSecret, scope: 'reports:read' });
 * await fetch(url, { headers: { authorization: `Bearer ${await tokens.getToken()}` } });
 */
export function createClientCredentials(options: ClientCredentialsOptions): ClientCredentials {
  if (typeof options !== 'object' || options === null)
    throw optionError(
      'createClientCredentials(options)',
      'must be an object',
      'pass { issuer, clientId, clientSecret }',
    );
  const { clientId, clientSecret } = options;
  if (typeof clientId !== 'string' || clientId.length === 0)
    throw optionError(
      'createClientCredentials.clientId',
      'is missing',
      'pass the client id the authorization server gave you',
    );
  if (typeof clientSecret !== 'string' || clientSecret.length === 0)
    throw optionError(
      'createClientCredentials.clientSecret',
      'is missing',
      'pass the client secret, such as process.env.CLIENT_SECRET',
    );
  if (options.issuer === undefined && options.tokenEndpoint === undefined)
    throw optionError(
      'createClientCredentials.issuer',
      'and tokenEndpoint are both missing',
      'give issuer (discovered) or tokenEndpoint',
    );
  const issuer =
    options.issuer === undefined ? undefined : serverUrl(options.issuer, 'createClientCredentials.issuer');
  const tokenEndpoint =
    options.tokenEndpoint === undefined
      ? undefined
      : serverUrl(options.tokenEndpoint, 'createClientCredentials.tokenEndpoint');
  const timeoutMs = parseDuration(options.timeout ?? 10, 'createClientCredentials.timeout') * 1000;
  if (timeoutMs <= 0)
    throw optionError('createClientCredentials.timeout', 'must be more than 0', 'omit it for 10 seconds');
  const refreshBefore =
    options.refreshBefore === undefined
      ? undefined
      : parseDuration(options.refreshBefore, 'createClientCredentials.refreshBefore');
  const discovery = options.discovery ?? 'oidc';
  const clock = options.clock ?? systemClock;

  const parameters = new URLSearchParams();
  const scope = strings(options.scope, 'scope');
  if (scope.length > 0) parameters.set('scope', scope.join(' '));
  if (options.audience !== undefined)
    parameters.set('audience', strings(options.audience, 'audience').join(' '));
  for (const resource of strings(options.resource, 'resource')) parameters.append('resource', resource);

  const http = createProviderHttp({
    timeoutMs,
    fetch: options.fetch,
    allowLoopbackHttp: [issuer, tokenEndpoint].every((url) => url === undefined || isLoopbackHttp(url)),
  });
  const client: oauth.Client = Object.freeze({ client_id: clientId });
  const clientAuth = oauth.ClientSecretBasic(clientSecret);
  // One handle for the client's life: it keeps the server's latest DPoP nonce.
  const dpop = options.dpop === undefined ? undefined : oauth.DPoP(client, options.dpop);
  const metadata = cachedOnSuccess(async (): Promise<oauth.AuthorizationServer> => {
    if (tokenEndpoint !== undefined)
      return { issuer: options.issuer ?? tokenEndpoint.origin, token_endpoint: tokenEndpoint.href };
    return discover(issuer!, http, discovery);
  });

  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function request(): Promise<string> {
    const startedAt = clock();
    try {
      const as = await metadata();
      const grant = async () => {
        const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, parameters, {
          ...http.options<'POST', URLSearchParams>(),
          ...(dpop === undefined ? {} : { DPoP: dpop }),
        });
        return oauth.processClientCredentialsResponse(as, client, response);
      };
      let result: oauth.TokenEndpointResponse;
      try {
        result = await grant();
      } catch (error) {
        // RFC 9449 §8: the server asked for its nonce, which the handle now holds; one more try.
        if (dpop === undefined || !oauth.isDPoPNonceError(error)) throw error;
        result = await grant();
      }
      return remember(result.access_token, result.expires_in, startedAt);
    } catch (error) {
      throw unavailable(error);
    }
  }

  function remember(token: string, lifetime: number | undefined, startedAt: number): string {
    if (lifetime !== undefined && lifetime > 0) {
      const early = refreshBefore ?? Math.min(60, lifetime / 10);
      cached = { token, refreshAt: startedAt + (lifetime - early) * 1000 };
    }
    return token;
  }

  return Object.freeze({
    getToken() {
      if (cached !== undefined && clock() < cached.refreshAt) return Promise.resolve(cached.token);
      pending ??= request().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  });
}
