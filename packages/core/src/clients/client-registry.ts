import { createHmac, hkdfSync } from 'node:crypto';
import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';
import { headerValue } from '../http/headers.js';
import type { AuthRequest } from '../http/types.js';
import { assertStrongHmacSecret, GENERATE_HINT } from '../keys/hmac-secret.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { optionError } from '../lib/option-error.js';
import { createRateLimit } from '../ratelimit/create-rate-limit.js';
import type { RateLimiterFactory } from '../ratelimit/rate-limiter-factory.js';

/**
 * What a registered client may do: `client_credentials` (`POST /oauth/token`), `introspection`
 * (`POST /oauth/introspect`, for resource servers), `revocation` (`POST /oauth/revoke` of any token; without
 * it a client revokes only the access tokens issued to itself).
 */
export type ClientGrant = 'client_credentials' | 'introspection' | 'revocation';

/** One registered confidential client (`createAuth`'s `clients.registered`). */
export interface OAuthClientConfig {
  /** The `client_id`: 1–128 characters of `A–Z a–z 0–9 . _ ~ -`. */
  id: string;
  /**
   * The client's secret: at least 32 random bytes as text (e.g. 43 base64url characters). Kept only as an
   * HMAC keyed from `apiKeys.pepper` (HKDF), compared in constant time.
   */
  secret: string;
  /** Scopes the client may ask for; a token without `scope` asked for gets them all. Default none. */
  scopes?: readonly string[];
  /** Default `['client_credentials']`. */
  grants?: readonly ClientGrant[];
}

/**
 * OAuth clients of the server's own endpoints (`createAuth`'s `clients`). Without it, `/oauth/token`,
 * `/oauth/introspect` and `/oauth/revoke` are not served.
 */
export interface AuthClientOptions {
  /** The confidential clients. Authenticated by `client_secret_basic` (preferred) or `client_secret_post`. */
  registered: readonly OAuthClientConfig[];
  /** Failed authentications allowed per client id within `window`; past it, 429. Default 10. */
  maxFailures?: number;
  /** The window of `maxFailures`, in seconds or as `"15m"`. Default 15 minutes. */
  window?: number | string;
}

/** A registered client as the endpoints see it: never its secret. */
export interface OAuthClient {
  readonly id: string;
  readonly scopes: readonly string[];
  readonly grants: ReadonlySet<ClientGrant>;
}

/** Authenticates the client of an OAuth endpoint request. */
export interface ClientRegistry {
  /**
   * The client whose credentials the request carries (`Authorization: Basic`, or `client_id` and
   * `client_secret` in the form). Throws 401 `invalid_client` (challenge `Basic`) for missing, unknown or
   * wrong credentials, 429 once a client id has failed `maxFailures` times in the window, 400
   * `invalid_request` for a secret in the URL or two methods at once.
   */
  authenticate(request: AuthRequest, form: Readonly<Record<string, string>>): Promise<OAuthClient>;
}

/** Why a client authentication failed, for `client.auth_failed` events. */
export type ClientAuthFailure = 'missing' | 'malformed' | 'unknown_client' | 'wrong_secret';

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token
const GRANTS: ReadonlySet<string> = new Set(['client_credentials', 'introspection', 'revocation']);

function option(index: number, name: string): string {
  return `clients.registered[${index}].${name}`;
}

function checkedClient(config: OAuthClientConfig, index: number): OAuthClient & { secret: string } {
  if (typeof config !== 'object' || config === null)
    throw optionError(`clients.registered[${index}]`, 'must be an object', 'pass { id, secret, scopes }');
  if (typeof config.id !== 'string' || !CLIENT_ID.test(config.id))
    throw optionError(
      option(index, 'id'),
      'must be 1–128 characters of A–Z a–z 0–9 . _ ~ -',
      "such as 'reports-service'",
    );
  if (typeof config.secret !== 'string')
    throw optionError(option(index, 'secret'), 'is required', GENERATE_HINT);
  try {
    assertStrongHmacSecret(Buffer.from(config.secret, 'utf8'));
  } catch {
    throw optionError(option(index, 'secret'), 'must be at least 32 random bytes', GENERATE_HINT);
  }
  const scopes = config.scopes ?? [];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s)))
    throw optionError(
      option(index, 'scopes'),
      'must be an array of scope tokens (no spaces, quotes or backslashes)',
      "such as ['reports:read']",
    );
  const grants = config.grants ?? ['client_credentials'];
  if (!Array.isArray(grants) || grants.length === 0 || !grants.every((g) => GRANTS.has(g)))
    throw optionError(
      option(index, 'grants'),
      "must be a non-empty array of 'client_credentials', 'introspection', 'revocation'",
      "omit it for ['client_credentials']",
    );
  return { id: config.id, secret: config.secret, scopes: [...new Set(scopes)], grants: new Set(grants) };
}

/** `application/x-www-form-urlencoded` decoding of a Basic credential's halves (RFC 6749 §2.3.1). */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/** Client id and secret of an `Authorization: Basic` header, `null` when it is absent, `undefined` when malformed. */
function basicCredentials(request: AuthRequest): { id: string; secret: string } | null | undefined {
  const header = headerValue(request.headers, 'authorization');
  if (header === undefined) return null;
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

/** RFC 6749 §2.3.1: the client's credentials never travel in the request URI. */
function assertNoSecretInUrl(url: string): void {
  const query = url.indexOf('?');
  if (query < 0) return;
  const hash = url.indexOf('#', query);
  const params = new URLSearchParams(url.slice(query + 1, hash < 0 ? undefined : hash));
  for (const name of params.keys()) {
    const lower = name.trim().toLowerCase();
    if (lower === 'client_secret' || lower === 'client_id')
      throw new AuthError('invalid_request', MESSAGES.credentialsInUrl, { reason: 'client_in_url' });
  }
}

/**
 * Builds the registry of `createAuth`'s `clients`, validating every client once. Secrets are kept only as
 * HMAC-SHA-256 under a key derived (HKDF) from `pepper` for this purpose alone; the presented secret's HMAC
 * is compared in constant time, and an unknown client costs the same HMAC and comparison as a known one.
 * Failures are counted per presented client id (`createRateLimit`); a right secret is never refused for
 * them, so that nobody can lock a client out by failing in its name — its secret cannot be guessed.
 *
 * @example
 * const registry = createClientRegistry(options.clients, { pepper, limiterFactory: stores.rateLimiter, onFailure });
 */
export function createClientRegistry(
  options: AuthClientOptions,
  context: {
    pepper: Uint8Array;
    limiterFactory?: RateLimiterFactory;
    onFailure?: (clientId: string | undefined, reason: ClientAuthFailure) => void;
  },
): ClientRegistry {
  if (typeof options !== 'object' || options === null || !Array.isArray(options.registered))
    throw optionError('clients.registered', 'must be an array of clients', 'pass [{ id, secret, scopes }]');
  const key = Buffer.from(
    hkdfSync('sha256', context.pepper, 'portcullis', 'portcullis oauth client secret v1', 32),
  );
  const mac = (secret: string) => createHmac('sha256', key).update(secret, 'utf8').digest('base64url');
  const clients = new Map<string, { client: OAuthClient; secretMac: string }>();
  options.registered.forEach((config, index) => {
    const { secret, ...client } = checkedClient(config, index);
    if (clients.has(client.id))
      throw optionError(option(index, 'id'), `repeats client '${client.id}'`, 'give each client its own id');
    clients.set(client.id, { client: Object.freeze(client), secretMac: mac(secret) });
  });
  const failures = createRateLimit({
    points: options.maxFailures ?? 10,
    duration: options.window ?? '15m',
    keyPrefix: 'portcullis:client-auth',
    limiterFactory: context.limiterFactory,
  });
  // An unknown client is compared against this, so that it costs what a known one does.
  const decoy = mac('portcullis decoy client secret');

  async function refuse(clientId: string | undefined, reason: ClientAuthFailure): Promise<never> {
    context.onFailure?.(clientId !== undefined && clients.has(clientId) ? clientId : undefined, reason);
    // Throws 429 `rate_limited` once this id has failed too often.
    if (clientId !== undefined) await failures.consume(clientId);
    throw new AuthError('invalid_client', 'Client authentication failed', {
      challenge: 'Basic',
      // RFC 7617's Basic challenge has no error parameters: `Basic realm="…"` only.
      challengeError: false,
      reason,
    });
  }

  return Object.freeze({
    async authenticate(request: AuthRequest, form: Readonly<Record<string, string>>) {
      assertNoSecretInUrl(request.url);
      const basic = basicCredentials(request);
      const postId = form['client_id'];
      const postSecret = form['client_secret'];
      if (basic === undefined) return refuse(undefined, 'malformed');
      if (basic !== null && postSecret !== undefined)
        throw new AuthError('invalid_request', 'Use one client authentication method, not two', {
          reason: 'two_methods',
        });
      if (basic !== null && postId !== undefined && postId !== basic.id)
        throw new AuthError('invalid_request', '"client_id" differs from the authenticated client', {
          reason: 'client_id_mismatch',
        });
      const presented =
        basic ??
        (postId !== undefined && postSecret !== undefined ? { id: postId, secret: postSecret } : undefined);
      if (presented === undefined) return refuse(postId, 'missing');
      const entry = clients.get(presented.id);
      const matches = constantTimeEqual(mac(presented.secret), entry?.secretMac ?? decoy);
      if (entry === undefined) return refuse(presented.id, 'unknown_client');
      if (!matches) return refuse(presented.id, 'wrong_secret');
      return entry.client;
    },
  });
}
