import type { AdapterAuth } from '../adapter/adapter-auth.js';
import { AUTHENTICATE_NOW, type AuthenticateNow } from '../adapter/authenticate-now.js';
import { authenticateBearer, withMethod } from '../auth/authenticate.js';
import { verifyDpopRequest } from '../auth/authenticate-dpop.js';
import { missingCredentials } from '../http/bearer.js';
import { dpopCredential } from '../http/dpop-scheme.js';
import { errorResponse } from '../http/error-response.js';
import { assertNoCredentialsInUrl } from '../http/url-credentials.js';
import type { JwsAlgorithm } from '../keys/algorithms.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { asPromise } from '../lib/maybe-promise.js';
import { optionError } from '../lib/option-error.js';
import { createPolicy, type PolicyDefinition } from '../policy/create-policy.js';
import type { Requirement } from '../policy/requirement.js';
import type { AccessTokenPrincipal, Principal } from '../tokens/principal.js';
import { type AccessTokenVerifier, verifyNow } from '../tokens/verify-access-token.js';
import { createIntrospectionCheck } from './introspection.js';
import { createIntrospectionClient } from './introspection-client.js';
import { type TokenCheck, verifierOf } from './presented-token.js';
import { serverUrl } from './provider-http.js';
import { type ResourceServerDpopOptions, resourceServerDpop } from './resource-server-dpop.js';
import {
  createIssuerVerifier,
  type IssuerConfig,
  type SharedVerification,
} from './resource-server-issuer.js';
import { createIssuerRouter, type IssuerResolver } from './resource-server-issuers.js';

export type { ResourceServerDpopOptions } from './resource-server-dpop.js';

export type { IssuerConfig } from './resource-server-issuer.js';
export type { IssuerResolver } from './resource-server-issuers.js';

/** What every form of `createResourceServer`'s options has: the API's side of the checks. */
export interface ResourceServerCommonOptions {
  /** Allowed clock skew, seconds or `"5s"`. Default 5 seconds. */
  clockTolerance?: number | string;
  /** Roles and permissions, as `createAuth`'s `policy`, for `authorize`. */
  policy?: PolicyDefinition;
  /** Called for every accepted token, cached or not; `true` refuses it as revoked. */
  isRevoked?: (principal: AccessTokenPrincipal, now: number) => boolean | Promise<boolean>;
  /** The `realm` of `WWW-Authenticate` challenges. Default `"portcullis"`. */
  realm?: string;
  /**
   * Sender-constrained tokens (RFC 9449): `Authorization: DPoP` with a `DPoP` proof, for tokens the issuer
   * bound to the client's key (`cnf.jkt`); such a token is never accepted as a bearer token. On by default;
   * `false` refuses the DPoP scheme. Give `replay` (a shared store) when the API runs on several instances.
   */
  dpop?: ResourceServerDpopOptions | false;
  clock?: Clock;
}

/** What the forms that verify JWT access tokens against the issuers' JWKS share. */
export interface JwtVerificationOptions {
  /** Time allowed for the discovery and each JWKS request, seconds or `"10s"`. Default 10 seconds. */
  timeout?: number | string;
  /** Cache of verified tokens, per issuer (see `createAccessTokenVerifier`). Default up to 10 000 entries each. */
  cache?: false | { maxEntries?: number };
}

type Without<T> = { [K in keyof T]?: never };
type NoMode = { issuers?: never; resolveIssuer?: never; introspection?: never };

/** One issuer, the original form: its fields at the top level. */
export interface SingleIssuerOptions
  extends Omit<IssuerConfig, 'algorithms'>,
    ResourceServerCommonOptions,
    JwtVerificationOptions,
    NoMode {
  /** Algorithms the issuer signs access tokens with; pin them. Asymmetric only. Default `["RS256"]`. */
  algorithms?: readonly JwsAlgorithm[];
}

/** A fixed list of issuers, each with its own audience, algorithms and JWKS. */
export interface ManyIssuersOptions
  extends Without<IssuerConfig>,
    ResourceServerCommonOptions,
    JwtVerificationOptions {
  /** Every issuer accepted; a token is checked by the one its `iss` names, and refused when none does. */
  issuers: readonly IssuerConfig[];
  resolveIssuer?: never;
  introspection?: never;
}

/** Issuers found at run time, e.g. one per tenant. */
export interface ResolvedIssuersOptions
  extends Without<IssuerConfig>,
    ResourceServerCommonOptions,
    JwtVerificationOptions {
  /**
   * The configuration of the issuer a token's `iss` names, or `undefined` when it is not served (401, no
   * request made). Asked once per issuer while its verifier is kept; a rejection is 503.
   */
  resolveIssuer: IssuerResolver;
  /** How many resolved issuers' verifiers (each with its JWKS and token cache) are kept. Default 100. */
  maxIssuers?: number;
  issuers?: never;
  introspection?: never;
}

/** The authorization server's token introspection endpoint (RFC 7662) and this API's client credentials. */
export interface IntrospectionOptions {
  /** The introspection endpoint, https (plain http on loopback only). */
  endpoint: string;
  clientId: string;
  /** Sent with `client_secret_basic`. Never logged, never in an error. */
  clientSecret: string;
  /**
   * Cache of active answers, keyed by the token's SHA-256. `maxEntries` default 10 000; `ttl` (seconds or
   * `"30s"`, at most 5 minutes, default 30 seconds) bounds how long a revoked token is still accepted.
   */
  cache?: { maxEntries?: number; ttl?: number | string };
  /** Time allowed for each introspection request, seconds or `"5s"`. Default 10 seconds. */
  timeout?: number | string;
}

/** Tokens checked by asking the authorization server (opaque tokens, or to see revocations at once). */
export interface IntrospectionResourceServerOptions
  extends ResourceServerCommonOptions,
    Without<Omit<IssuerConfig, 'issuer' | 'audience'>>,
    Without<JwtVerificationOptions> {
  introspection: IntrospectionOptions;
  /** When given, the answer's `iss` must be this. */
  issuer?: string;
  /** Accepted `aud` values: the answer's `aud` must contain one. */
  audience: string | readonly string[];
  issuers?: never;
  resolveIssuer?: never;
}

/** `createResourceServer`'s options: one issuer, a list, a resolver, or introspection. */
export type ResourceServerOptions =
  | SingleIssuerOptions
  | ManyIssuersOptions
  | ResolvedIssuersOptions
  | IntrospectionResourceServerOptions;

/** What the adapters' `authenticate`/`authorize` middleware needs (`AdapterAuth`), for tokens of an external issuer. */
export interface ResourceServer extends AdapterAuth {
  readonly verifier: AccessTokenVerifier;
  /** None: a resource server only protects routes. Present so that every adapter accepts it in place of `Auth`. */
  readonly routes: readonly [];
}

const ISSUER_FIELDS = [
  'issuer',
  'audience',
  'algorithms',
  'jwksUri',
  'discovery',
  'typ',
  'requiredClaims',
] as const;

/**
 * Protects an API with access tokens issued by external authorization servers. In the JWT forms (RFC 9068)
 * each token's signature is checked against its issuer's JWKS — found by discovery unless given, fetched
 * with a timeout and cached, one key set per issuer — with that issuer's algorithms pinned and `iss`, `aud`,
 * `exp` and `typ` required. With `issuers` or `resolveIssuer` the token's `iss` chooses the issuer, whose
 * keys alone verify it. With `introspection` each token is checked by the authorization server (RFC 7662),
 * its active answers cached briefly. Only the `Authorization` header is read — `Bearer`, or `DPoP` with its
 * proof for a token bound to the client's key — and a credential in the URL is refused first, as by
 * `createAuth`'s `authenticate`. An unreachable issuer fails closed with 503.
 *
 * @example
 * const api = createResourceServer({ issuer: 'https://idp.example', audience: 'https://api.example', algorithms: ['RS256'] });
 * app.use(authenticate(api)); // @portcullis/hono
 */
export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  if (typeof options !== 'object' || options === null)
    throw optionError('createResourceServer(options)', 'must be an object', 'pass { issuer, audience }');
  // `tokens.check` is the one place a presented token becomes a principal, whatever the form of the options;
  // `verifier` is that function in the `AccessTokenVerifier` shape `authenticateBearer` takes.
  const tokens = presentedTokenCheck(options);
  const verifier = verifierOf(tokens);
  const policy = createPolicy(options.policy);
  const realm = options.realm ?? 'portcullis';
  const dpop = resourceServerDpop(options.dpop, options.clock ?? systemClock);
  const authenticateNow: AuthenticateNow = (request, authenticateOptions) => {
    const via = authenticateOptions?.via;
    const acceptsBearer = via === undefined || via.includes('bearer');
    if (!acceptsBearer && !via.includes('dpop'))
      throw optionError(
        'authenticate().via',
        'leaves out bearer and dpop, and a resource server authenticates access tokens only',
        "use via: ['bearer'] (either scheme) or ['dpop'], or omit it",
      );
    assertNoCredentialsInUrl(request.url);
    const credential = dpop === undefined ? null : dpopCredential(request.headers);
    if (credential !== null)
      return verifyDpopRequest(verifier.verify, dpop!, request, credential).then((principal) =>
        withMethod(principal, 'dpop'),
      );
    if (!acceptsBearer) {
      if (request.headers['authorization'] !== undefined)
        throw dpop!.refuse('resource', 'bearer_not_accepted');
      throw missingCredentials();
    }
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
      policy.enforce(principal, requirement, {
        challenge: (principal as { method?: string }).method === 'dpop' ? 'DPoP' : 'Bearer',
      });
    },
    errorResponse(error: unknown) {
      return errorResponse(error, { realm });
    },
  });
}

/**
 * Checks the options and builds the one function of a resource server that turns a presented access-token
 * string into a principal, whichever form the options take: one issuer, a list, a resolver, introspection.
 * Everything about the request (which header, the URL check) is `authenticateNow`'s; everything about the
 * token is this function's.
 */
function presentedTokenCheck(options: ResourceServerOptions): TokenCheck {
  const modes = (['issuers', 'resolveIssuer', 'introspection'] as const).filter(
    (mode) => options[mode] !== undefined,
  );
  if (modes.length > 1)
    throw optionError(
      `createResourceServer.${modes[1]}`,
      `is given with ${modes[0]}`,
      'give only one of them',
    );
  const mode = modes[0];
  if (mode === 'introspection') return introspectionCheck(options as IntrospectionResourceServerOptions);
  const shared = sharedVerification(options as JwtVerificationOptions & ResourceServerCommonOptions);
  if (mode === undefined) {
    const single = options as SingleIssuerOptions;
    const verifier = createIssuerVerifier(
      { ...single, algorithms: single.algorithms ?? ['RS256'] },
      shared,
      'createResourceServer',
    );
    return {
      check: (token) => verifyNow(verifier, token),
      cacheSize: () => verifier.cacheSize,
      cacheLookups: () => verifier.cacheLookups,
    };
  }
  for (const field of ISSUER_FIELDS) {
    if ((options as unknown as Record<string, unknown>)[field] !== undefined)
      throw optionError(
        `createResourceServer.${field}`,
        `is given beside ${mode}`,
        `give it in each issuer's configuration`,
      );
  }
  if (mode === 'issuers') {
    const { issuers } = options as ManyIssuersOptions;
    if (!Array.isArray(issuers) || issuers.length === 0)
      throw optionError(
        'createResourceServer.issuers',
        'must be a non-empty array',
        'list { issuer, audience, algorithms } of each issuer',
      );
    return createIssuerRouter({ issuers }, shared);
  }
  const { resolveIssuer, maxIssuers = 100 } = options as ResolvedIssuersOptions;
  if (typeof resolveIssuer !== 'function')
    throw optionError(
      'createResourceServer.resolveIssuer',
      'must be a function',
      'pass (iss) => config or undefined',
    );
  if (!Number.isInteger(maxIssuers) || maxIssuers < 1)
    throw optionError('createResourceServer.maxIssuers', 'must be a positive integer', 'omit it for 100');
  return createIssuerRouter({ resolveIssuer, maxIssuers }, shared);
}

function sharedVerification(
  options: JwtVerificationOptions & ResourceServerCommonOptions,
): SharedVerification {
  const timeoutMs = parseDuration(options.timeout ?? 10, 'createResourceServer.timeout') * 1000;
  if (timeoutMs <= 0)
    throw optionError('createResourceServer.timeout', 'must be more than 0', 'omit it for 10 seconds');
  return {
    timeoutMs,
    clockTolerance: options.clockTolerance,
    cache: options.cache,
    isRevoked: options.isRevoked,
    clock: options.clock,
  };
}

const MAX_INTROSPECTION_TTL = 300;

function introspectionCheck(options: IntrospectionResourceServerOptions): TokenCheck {
  for (const field of [...ISSUER_FIELDS.slice(2), 'timeout', 'cache'] as const) {
    if ((options as unknown as Record<string, unknown>)[field] !== undefined)
      throw optionError(
        `createResourceServer.${field}`,
        'is given beside introspection, which verifies no signature',
        field === 'timeout' || field === 'cache' ? `give introspection.${field}` : 'remove it',
      );
  }
  const introspection = options.introspection;
  if (typeof introspection !== 'object' || introspection === null)
    throw optionError(
      'createResourceServer.introspection',
      'must be an object',
      'give { endpoint, clientId, clientSecret }',
    );
  const endpoint = serverUrl(introspection.endpoint, 'createResourceServer.introspection.endpoint');
  for (const field of ['clientId', 'clientSecret'] as const) {
    const value = introspection[field];
    if (typeof value !== 'string' || value.length === 0)
      throw optionError(
        `createResourceServer.introspection.${field}`,
        'is missing',
        'give the credentials the authorization server registered for this API',
      );
  }
  if (options.issuer !== undefined) serverUrl(options.issuer, 'createResourceServer.issuer');
  const audiences = typeof options.audience === 'string' ? [options.audience] : [...(options.audience ?? [])];
  if (audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && a.length > 0))
    throw optionError(
      'createResourceServer.audience',
      'is missing',
      "give this API's identifier (a string or a list)",
    );
  const timeoutMs =
    parseDuration(introspection.timeout ?? 10, 'createResourceServer.introspection.timeout') * 1000;
  if (timeoutMs <= 0)
    throw optionError(
      'createResourceServer.introspection.timeout',
      'must be more than 0',
      'omit it for 10 seconds',
    );
  const maxEntries = introspection.cache?.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw optionError(
      'createResourceServer.introspection.cache.maxEntries',
      'must be a positive integer',
      'omit it for 10 000',
    );
  const ttl = parseDuration(introspection.cache?.ttl ?? 30, 'createResourceServer.introspection.cache.ttl');
  if (ttl <= 0 || ttl > MAX_INTROSPECTION_TTL)
    throw optionError(
      'createResourceServer.introspection.cache.ttl',
      'must be more than 0 and at most 5 minutes',
      'a revoked token is accepted until its entry expires: omit it for 30 seconds',
    );
  return createIntrospectionCheck({
    introspect: createIntrospectionClient({
      endpoint,
      issuer: options.issuer,
      clientId: introspection.clientId,
      clientSecret: introspection.clientSecret,
      timeoutMs,
    }),
    issuer: options.issuer,
    audiences,
    clockToleranceSeconds: parseDuration(options.clockTolerance ?? 5, 'createResourceServer.clockTolerance'),
    maxEntries,
    ttlMs: ttl * 1000,
    isRevoked: options.isRevoked,
    clock: options.clock ?? systemClock,
  });
}
