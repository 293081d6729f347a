import * as oauth from 'oauth4webapi';
import { optionError } from '../lib/option-error.js';
import { type DiscoveryAlgorithm, discover } from './discover.js';
import type { OAuthProviderConfig, ProviderEmail, UserEmailContext } from './provider-config.js';
import {
  createProviderHttp,
  type FetchLike,
  isLoopbackHttp,
  type ProviderHttp,
  serverUrl,
} from './provider-http.js';
import { cachedOnSuccess } from './single-flight.js';

/** A provider's configuration, checked once: what the sign-in flow works with. */
export interface ResolvedProvider {
  readonly name: string;
  readonly kind: 'oidc' | 'oauth2';
  readonly client: oauth.Client;
  /** `client_secret_basic` (or `_post`) with the configured secret (held in this closure only). */
  readonly clientAuth: oauth.ClientAuth;
  readonly scope: string;
  readonly authorizationParams: Readonly<Record<string, string>>;
  readonly http: ProviderHttp;
  /** The server's metadata: discovered at first use and kept (a failure is not kept), or given. */
  metadata(): Promise<oauth.AuthorizationServer>;
  readonly emailVerifiedClaims: readonly string[];
  readonly userEmail: ((context: UserEmailContext) => Promise<ProviderEmail | null>) | undefined;
}

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const RESERVED_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
]);
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

function nonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw optionError(what, 'must be a non-empty string', "give the value the provider's console shows");
  return value;
}

function scopeList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s)))
    throw optionError(what, 'must be an array of scope tokens', "such as ['openid', 'email']");
  return value as string[];
}

function authorizationParams(value: unknown, what: string): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw optionError(what, 'must be an object of strings', "such as { prompt: 'select_account' }");
  const params: Record<string, string> = {};
  for (const [key, param] of Object.entries(value)) {
    if (RESERVED_PARAMS.has(key) || key.startsWith('code_challenge'))
      throw optionError(
        what,
        `must not set the protocol parameter "${key}"`,
        'remove it: portcullis sets it',
      );
    if (typeof param !== 'string')
      throw optionError(`${what}.${key}`, 'must be a string', 'give its value as text');
    params[key] = param;
  }
  return Object.freeze(params);
}

/**
 * Checks one entry of `oauth.providers` and prepares it: a wrong option is a `TypeError` at start-up.
 * Nothing is fetched here — an OpenID provider is discovered at its first sign-in, so an app may start
 * before its provider does.
 */
export function resolveProvider(
  name: string,
  config: OAuthProviderConfig,
  transport: { timeoutMs: number; fetch: FetchLike | undefined },
): ResolvedProvider {
  const what = `oauth.providers.${name}`;
  if (!NAME.test(name))
    throw optionError(
      'oauth.providers',
      `${JSON.stringify(name)} is not a provider name`,
      'name providers with 1–32 characters of a–z, 0–9 and "-"',
    );
  if (typeof config !== 'object' || config === null)
    throw optionError(what, 'must be an object', 'give { issuer, clientId, clientSecret }, or a preset');
  const clientId = nonEmptyString(config.clientId, `${what}.clientId`);
  const clientSecret = nonEmptyString(config.clientSecret, `${what}.clientSecret`);
  const params = authorizationParams(config.authorizationParams, `${what}.authorizationParams`);
  const client: oauth.Client = Object.freeze({ client_id: clientId });
  const method = config.tokenEndpointAuthMethod ?? 'client_secret_basic';
  if (method !== 'client_secret_basic' && method !== 'client_secret_post')
    throw optionError(
      `${what}.tokenEndpointAuthMethod`,
      'must be "client_secret_basic" or "client_secret_post"',
      'omit it for "client_secret_basic"',
    );
  const clientAuth =
    method === 'client_secret_basic'
      ? oauth.ClientSecretBasic(clientSecret)
      : oauth.ClientSecretPost(clientSecret);

  if (config.type === 'oauth2') {
    const issuer = serverUrl(config.issuer, `${what}.issuer`);
    const authorizationEndpoint = serverUrl(config.authorizationEndpoint, `${what}.authorizationEndpoint`);
    const tokenEndpoint = serverUrl(config.tokenEndpoint, `${what}.tokenEndpoint`);
    if (typeof config.userEmail !== 'function')
      throw optionError(
        `${what}.userEmail`,
        'must be a function',
        "give one that reads the user's verified e-mail",
      );
    const scopes = scopeList(config.scopes, `${what}.scopes`);
    const metadata: oauth.AuthorizationServer = Object.freeze({
      issuer: config.issuer,
      authorization_endpoint: authorizationEndpoint.href,
      token_endpoint: tokenEndpoint.href,
    });
    return Object.freeze({
      name,
      kind: 'oauth2' as const,
      client,
      clientAuth,
      scope: [...new Set(scopes)].join(' '),
      authorizationParams: params,
      http: createProviderHttp({
        ...transport,
        allowLoopbackHttp: [issuer, authorizationEndpoint, tokenEndpoint].every(isLoopbackHttp),
      }),
      metadata: async () => metadata,
      emailVerifiedClaims: Object.freeze([]),
      userEmail: config.userEmail.bind(config),
    });
  }

  if (config.type !== undefined && config.type !== 'oidc')
    throw optionError(`${what}.type`, 'must be "oidc" or "oauth2"', 'omit it for "oidc"');
  const issuer = serverUrl(config.issuer, `${what}.issuer`);
  const scopes = scopeList(config.scopes ?? [], `${what}.scopes`);
  const verifiedClaims = scopeList(
    config.emailVerifiedClaims ?? ['email_verified'],
    `${what}.emailVerifiedClaims`,
  );
  if (verifiedClaims.length === 0)
    throw optionError(`${what}.emailVerifiedClaims`, 'must not be empty', "omit it for ['email_verified']");
  const http = createProviderHttp({ ...transport, allowLoopbackHttp: isLoopbackHttp(issuer) });
  const algorithm: DiscoveryAlgorithm = 'oidc';
  return Object.freeze({
    name,
    kind: 'oidc' as const,
    client,
    clientAuth,
    scope: [...new Set(['openid', 'email', ...scopes])].join(' '),
    authorizationParams: params,
    http,
    metadata: cachedOnSuccess(() => discover(issuer, http, algorithm)),
    emailVerifiedClaims: Object.freeze([...verifiedClaims]),
    userEmail: undefined,
  });
}
