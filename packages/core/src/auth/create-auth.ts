import type { AdapterAuth } from '../adapter/adapter-auth.js';
import { AUTHENTICATE_NOW, type AuthenticateNow } from '../adapter/authenticate-now.js';
import { createApiKeyManager } from '../apikeys/api-key-manager.js';
import { createAuthCookies } from '../cookies/auth-cookies.js';
import type { AuthCookieNames } from '../cookies/cookie-names.js';
import { createCsrfGuard } from '../csrf/csrf-guard.js';
import { isAuthError } from '../errors/auth-error.js';
import { errorResponse } from '../http/error-response.js';
import {
  createProxyTrust,
  type ProxyTrust,
  type TrustProxy,
  withClientAddress,
} from '../http/trust-proxy.js';
import type { AuthRequest, AuthResponse } from '../http/types.js';
import { assertNoCredentialsInUrl } from '../http/url-credentials.js';
import type { SigningAlgorithm } from '../keys/algorithms.js';
import { assertStrongHmacSecret, GENERATE_HINT, hmacSecretBytes } from '../keys/hmac-secret.js';
import { createKeyring } from '../keys/keyring.js';
import { type KeyRotationOptions, parseRotationSchedule } from '../keys/rotation-schedule.js';
import type { SigningKey } from '../keys/signing-key.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { asPromise, isThenable } from '../lib/maybe-promise.js';
import { configureOAuthLogin, type OAuthSettings } from '../oauth/configure-login.js';
import type { OAuthProviderConfig } from '../oauth/provider-config.js';
import { createPasswordHasher, type PasswordHasherOptions } from '../passwords/password-hasher.js';
import { createPolicy, type PolicyDefinition } from '../policy/create-policy.js';
import type { Requirement } from '../policy/requirement.js';
import { createRateLimit } from '../ratelimit/create-rate-limit.js';
import { createDeviceCookies } from '../ratelimit/device-cookie.js';
import { createLoginThrottle } from '../ratelimit/login-throttle.js';
import { createRefreshTokenService } from '../refresh/refresh-token-service.js';
import { createRevocationService } from '../revocation/revocation-service.js';
import { createSessionManager } from '../sessions/session-manager.js';
import type { AuthStores } from '../stores/auth-stores.js';
import { guardStore } from '../stores/guard-store.js';
import { createAccessTokenIssuer } from '../tokens/issue-access-token.js';
import type { Principal } from '../tokens/principal.js';
import { createAccessTokenVerifier } from '../tokens/verify-access-token.js';
import { type AccountOptions, createAccountFlow, type Registration } from './account-flow.js';
import type { MailOptions } from './account-mail.js';
import type { AuthEvent, AuthParts } from './auth-parts.js';
import { type AuthContext, type Authenticate, createAuthenticate } from './authenticate.js';
import { endEverySession } from './end-sessions.js';
import { createApiKey, listApiKeys, revokeApiKey, rollApiKey } from './handlers/api-keys.js';
import { health, jwks, rotateKeys } from './handlers/keys.js';
import { login } from './handlers/login.js';
import { logout } from './handlers/logout.js';
import { oauthCallback, oauthStart } from './handlers/oauth.js';
import { changePassword, forgotPassword, resetPassword } from './handlers/password.js';
import { refresh } from './handlers/refresh.js';
import { register } from './handlers/register.js';
import { sessionLogin, sessionLogout } from './handlers/session.js';
import { resendVerification, verifyEmail } from './handlers/verify-email.js';
import type { UserDirectory } from './user-directory.js';
import { cookiesOf } from './with-cleared-cookies.js';

export interface CreateAuthOptions {
  /** Where portcullis keeps its state: `createMemoryStores()`, or a store package's. */
  stores: AuthStores;
  /** The application's users. */
  users: UserDirectory;
  /** `iss` of issued access tokens, required on verified ones (the app's base URL). */
  issuer: string;
  /** `aud` of issued access tokens, required on verified ones. */
  audience: string;
  /** The origin(s) cookie-authenticated unsafe requests must come from (CSRF), e.g. `https://app.example`. */
  appOrigin: string | readonly string[];
  /** Server-side secret the API-key hashes are keyed with (≥ 32 random bytes). */
  apiKeyPepper: string | Uint8Array;
  /** Earlier peppers, still accepted for keys made under them. */
  previousApiKeyPeppers?: readonly (string | Uint8Array)[];
  /**
   * Scopes an API key may carry. Without it, the API-key routes are not served. A user may give a key only
   * the scopes their role grants as permissions in `policy` (403 `insufficient_scope` otherwise).
   */
  apiKeyScopes?: readonly string[];
  /** API-key prefix. Default `pc_live`. */
  apiKeyPrefix?: string;
  /** Requests per minute per API key. Default 600; `false` disables. */
  apiKeyRateLimit?: number | false;
  /** Signing keys managed outside portcullis (e.g. `SIGNING_KEYS`); otherwise keys are generated into `stores.keyring`. */
  signingKeys?: readonly SigningKey[];
  /** Algorithm of generated keys. Default `EdDSA`. */
  algorithm?: SigningAlgorithm;
  /** How long a rotated-out key keeps verifying. Default 1 day; never less than the access-token lifetime. */
  keyRetirement?: number | string;
  /**
   * Encrypts the private keys stored in `stores.keyring` (AES-256-GCM, the kid as associated data): 32
   * random bytes, base64url or bytes. Required when `NODE_ENV=production` and keys are generated (no
   * `signingKeys`); without it in development, a `keys.stored_unencrypted` event is sent to `onEvent`.
   */
  keyEncryptionKey?: string | Uint8Array;
  /** Earlier key-encryption keys: a keyring sealed under one opens, and is resealed under `keyEncryptionKey`. */
  previousKeyEncryptionKeys?: readonly (string | Uint8Array)[];
  /**
   * Scheduled rotation of generated keys, e.g. `{ every: '30d', prePublish: '1d' }`: each new key is in the
   * JWKS `prePublish` before it signs; the one it replaces verifies `keyRetirement` longer. Exactly one
   * instance rotates (compare-and-set on the stored keyring). `POST /admin/keys/rotate` still rotates at once.
   */
  keyRotation?: KeyRotationOptions;
  accessTokenTtl?: number | string;
  refreshTokenTtl?: number | string;
  /** Absolute lifetime of a login's refresh family. Default: `refreshTokenTtl`. */
  refreshFamilyLifetime?: number | string;
  sessionIdleTimeout?: number | string;
  sessionAbsoluteTimeout?: number | string;
  /** Failed logins per e-mail from one client address inside `loginWindow` before 429 for that pair. Default 5. */
  loginMaxFailures?: number;
  /**
   * Failed logins per e-mail from all addresses inside `loginWindow` before 429 for every client without
   * that account's device cookie (set at each successful password login). Default 50.
   */
  loginMaxFailuresPerAccount?: number;
  /** Failed logins per client address, all e-mails, inside `loginWindow`. Default 100. */
  loginMaxFailuresPerIp?: number;
  /**
   * Which reverse proxies to believe for the client's address (`X-Forwarded-For`, which login, registration
   * and reset limits count by) and protocol (`X-Forwarded-Proto`): a number of proxies in front of the app
   * (`1` behind one load balancer), or a list of their addresses and networks (`['10.0.0.0/8']`). Default
   * `0`: the socket's address, both headers ignored. Every adapter hands core the socket's address and the
   * headers; this setting alone decides, whatever the framework's own proxy setting says.
   */
  trustProxy?: TrustProxy;
  loginWindow?: number | string;
  passwords?: PasswordHasherOptions;
  policy?: PolicyDefinition;
  cookieNames?: Partial<AuthCookieNames>;
  /**
   * The role an account gets once its e-mail is verified — by the verification link, a reset link, or a
   * provider's verified e-mail. Until then every account is `"user"`, so registering an address first gains
   * nothing. Default `"user"` for everyone.
   */
  roleFor?: (email: string) => string;
  /**
   * Whether `POST /auth/register` creates accounts. Default `"closed"` (404, as an unknown route): accounts
   * then come from OAuth sign-in or the application. `"open"` requires `mail` (a verification link is mailed).
   */
  registration?: Registration;
  /** How account mail (verification, reset, password-changed notices) is built and delivered. */
  mail?: MailOptions;
  /** Lifetimes of mailed links and limits of the account routes. */
  accounts?: AccountOptions;
  /**
   * Sign-in providers by name, served at `GET /auth/oauth/<name>/start` and `/callback`: an OpenID provider
   * (`{ issuer, clientId, clientSecret }`, discovered at first use) or a preset (`googlePreset()`,
   * `microsoftPreset()`, `githubPreset()`). The redirect URI to register is `<appOrigin>/auth/oauth/<name>/callback`.
   */
  oauthProviders?: Readonly<Record<string, OAuthProviderConfig>>;
  /** Settings of the OAuth sign-in flow: state lifetime, timeouts, where to land after signing in. */
  oauth?: OAuthSettings;
  /** Cache of verified access tokens. Default 10 000 entries. */
  tokenCache?: false | { maxEntries?: number };
  /** Security events, for audit logs; never carries a secret. */
  onEvent?: (event: AuthEvent) => void;
  clock?: Clock;
}

/** One HTTP route of the auth flows, for an adapter to mount. */
export interface AuthRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Express-style path, e.g. `/api-keys/:id/roll`. */
  readonly path: string;
  /** Never throws: failures are answered with the contract's error responses. */
  readonly handle: (request: AuthRequest) => Promise<AuthResponse>;
}

/** What `createAuth` returns: its parts, and what adapters need (`AdapterAuth`: routes, authenticate…). */
export interface Auth extends AuthParts, AdapterAuth {
  /** The `trustProxy` setting, for an app that needs the same answer: the client's address, HTTPS or not. */
  readonly proxyTrust: ProxyTrust;
  /** "Log out everywhere": every refresh family, session and access token of a user, issued before now. */
  logoutEverywhere(subject: string): Promise<void>;
}

/**
 * Refuses a missing or weak `apiKeyPepper` at start-up, naming the option: it keys the API-key hashes and
 * the OAuth-state and device cookies, so nothing works without it.
 */
function assertApiKeyPepper(pepper: unknown): void {
  if (typeof pepper !== 'string' && !(pepper instanceof Uint8Array)) {
    throw new TypeError(
      `createAuth: apiKeyPepper is required: a server secret of at least 32 random bytes, kept outside the database, that keys API-key hashes and the OAuth-state and device cookies. ${GENERATE_HINT}`,
    );
  }
  try {
    assertStrongHmacSecret(hmacSecretBytes(pepper));
  } catch (error) {
    throw new TypeError(`createAuth: apiKeyPepper: ${(error as Error).message}`);
  }
}

/**
 * `authenticate` that also reports each refused token to `onEvent` (`token.refused` with its reason). Only
 * the refusal path pays: a synchronous answer stays synchronous.
 */
function reportingRefusals(
  parts: AuthParts,
  authenticate: ReturnType<typeof createAuthenticate>,
): ReturnType<typeof createAuthenticate> {
  const report = (error: unknown): never => {
    if (isAuthError(error) && error.code === 'invalid_token')
      parts.emit({ type: 'token.refused', reason: error.reason ?? 'invalid_token' });
    throw error;
  };
  return (request, options) => {
    try {
      const context = authenticate(request, options);
      return isThenable(context) ? context.then(undefined, report) : context;
    } catch (error) {
      return report(error);
    }
  };
}

/** How long a browser's device cookie exempts it from lockouts caused by strangers (contract v2: 180 days). */
const DEVICE_COOKIE_MAX_AGE = 180 * 86_400;

/**
 * Refuses, at start-up, API-key scopes that no role grants: every key creation would be 403, which is
 * closed but surely not what was meant — the policy's roles need the scopes among their permissions.
 */
function assertSomeRoleGrants(policy: PolicyDefinition | undefined, scopes: ReadonlySet<string>): void {
  const granted = new Set(Object.values(policy?.roles ?? {}).flatMap((role) => role.permissions ?? []));
  if (![...scopes].some((scope) => granted.has(scope))) {
    throw new TypeError(
      'apiKeyScopes: no role of `policy` grants any of these scopes, so no user could create a key; add them as permissions, e.g. policy: { roles: { user: { permissions: [...] } } }',
    );
  }
}

/**
 * Composes portcullis's building blocks into the framework-neutral auth flows of the HTTP contract. Each
 * route takes `{ method, url, headers, body, remoteAddress, params }` and returns `{ status, headers, cookies, body }`,
 * so that an adapter only translates. Every store is guarded: an unreachable store answers 503.
 *
 * @example
 * const auth = await createAuth({ stores: createMemoryStores(), users, issuer: 'http://127.0.0.1:3000',
 *   audience: 'portcullis-demo', appOrigin: 'http://127.0.0.1:3000', apiKeyPepper: process.env.API_KEY_PEPPER! });
 */
export async function createAuth(options: CreateAuthOptions): Promise<Auth> {
  assertApiKeyPepper(options.apiKeyPepper);
  const clock = options.clock ?? systemClock;
  const proxyTrust = createProxyTrust(options.trustProxy);
  const stores = {
    keyring: guardStore(options.stores.keyring),
    refreshTokens: guardStore(options.stores.refreshTokens),
    revocations: guardStore(options.stores.revocations),
    apiKeys: guardStore(options.stores.apiKeys),
    sessions: guardStore(options.stores.sessions),
    oauthStates: options.stores.oauthStates && guardStore(options.stores.oauthStates),
    oneTimeTokens: guardStore(options.stores.oneTimeTokens),
    identities: guardStore(options.stores.identities),
  };
  const accessTtl = parseDuration(options.accessTokenTtl ?? '15m', 'accessTokenTtl');
  const refreshTtl = parseDuration(options.refreshTokenTtl ?? '7d', 'refreshTokenTtl');
  const keyRetirement = parseDuration(options.keyRetirement ?? '1d', 'keyRetirement');
  if (keyRetirement < accessTtl) {
    throw new TypeError(
      'keyRetirement must be at least accessTokenTtl: a rotated-out key must verify every token it signed',
    );
  }
  parseRotationSchedule(options.keyRotation, 'keyRotation');
  if (options.keyRotation !== undefined && options.signingKeys !== undefined)
    throw new TypeError('keyRotation needs generated keys: keys from signingKeys never rotate');
  const keyring = await createKeyring({
    algorithm: options.algorithm ?? 'EdDSA',
    retireAfter: keyRetirement,
    ...(options.keyEncryptionKey === undefined ? {} : { keyEncryptionKey: options.keyEncryptionKey }),
    ...(options.previousKeyEncryptionKeys === undefined
      ? {}
      : { previousKeyEncryptionKeys: options.previousKeyEncryptionKeys }),
    ...(options.keyRotation === undefined ? {} : { rotation: options.keyRotation }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    clock,
    ...(options.signingKeys === undefined ? { store: stores.keyring } : { keys: options.signingKeys }),
  });
  const revocations = createRevocationService({
    store: stores.revocations,
    accessTokenTtl: accessTtl,
    clock,
  });
  const apiKeyLimit =
    options.apiKeyRateLimit === false
      ? undefined
      : createRateLimit({
          points: options.apiKeyRateLimit ?? 600,
          duration: 60,
          keyPrefix: 'portcullis:apikey',
          limiterFactory: options.stores.rateLimiter,
        });
  const onEvent = options.onEvent;

  const parts: AuthParts = {
    users: options.users,
    keyring,
    accessTokens: createAccessTokenIssuer({
      keyring,
      issuer: options.issuer,
      audience: options.audience,
      ttl: accessTtl,
      clock,
    }),
    verifier: createAccessTokenVerifier({
      keys: keyring,
      issuer: options.issuer,
      audience: options.audience,
      clock,
      isRevoked: revocations.isRevoked,
      ...(options.tokenCache === undefined ? {} : { cache: options.tokenCache }),
    }),
    refreshTokens: createRefreshTokenService({
      store: stores.refreshTokens,
      ttl: refreshTtl,
      familyLifetime: options.refreshFamilyLifetime ?? refreshTtl,
      clock,
    }),
    revocations,
    sessions: createSessionManager({
      store: stores.sessions,
      clock,
      ...(options.sessionIdleTimeout === undefined ? {} : { idleTimeout: options.sessionIdleTimeout }),
      ...(options.sessionAbsoluteTimeout === undefined
        ? {}
        : { absoluteTimeout: options.sessionAbsoluteTimeout }),
    }),
    apiKeys: createApiKeyManager({
      store: stores.apiKeys,
      pepper: options.apiKeyPepper,
      clock,
      ...(options.previousApiKeyPeppers === undefined
        ? {}
        : { previousPeppers: options.previousApiKeyPeppers }),
      ...(options.apiKeyScopes === undefined ? {} : { allowedScopes: options.apiKeyScopes }),
      ...(options.apiKeyPrefix === undefined ? {} : { prefix: options.apiKeyPrefix }),
      ...(apiKeyLimit === undefined
        ? {}
        : { rateLimit: async (keyId: string) => void (await apiKeyLimit.consume(keyId)) }),
    }),
    passwords: createPasswordHasher(options.passwords ?? {}),
    loginThrottle: createLoginThrottle({
      limiterFactory: options.stores.rateLimiter,
      ...(options.loginMaxFailures === undefined ? {} : { maxFailures: options.loginMaxFailures }),
      ...(options.loginMaxFailuresPerAccount === undefined
        ? {}
        : { maxFailuresPerAccount: options.loginMaxFailuresPerAccount }),
      ...(options.loginMaxFailuresPerIp === undefined
        ? {}
        : { maxFailuresPerIp: options.loginMaxFailuresPerIp }),
      ...(options.loginWindow === undefined ? {} : { window: options.loginWindow }),
    }),
    csrf: createCsrfGuard({
      allowedOrigins: typeof options.appOrigin === 'string' ? [options.appOrigin] : options.appOrigin,
    }),
    // Keyed from the pepper (HKDF, its own purpose): a server secret that every instance already shares.
    devices: createDeviceCookies({
      secret: hmacSecretBytes(options.apiKeyPepper),
      maxAge: DEVICE_COOKIE_MAX_AGE,
      clock,
    }),
    cookies: createAuthCookies({
      accessTtl,
      refreshTtl,
      deviceMaxAge: DEVICE_COOKIE_MAX_AGE,
      ...(options.cookieNames === undefined ? {} : { names: options.cookieNames }),
    }),
    policy: createPolicy(options.policy),
    clock,
    roleFor: options.roleFor ?? (() => 'user'),
    emit: (event) => {
      try {
        onEvent?.(event);
      } catch {
        // An audit hook must never break authentication.
      }
    },
  };

  const firstOrigin = typeof options.appOrigin === 'string' ? options.appOrigin : options.appOrigin[0];
  const accountFlow = createAccountFlow({
    registration: options.registration,
    accounts: options.accounts,
    mail: options.mail,
    appOrigin: firstOrigin,
    store: stores.oneTimeTokens,
    identities: stores.identities,
    limiterFactory: options.stores.rateLimiter,
    clock,
  });
  const apiKeyScopes = options.apiKeyScopes === undefined ? undefined : new Set(options.apiKeyScopes);
  if (apiKeyScopes !== undefined) assertSomeRoleGrants(options.policy, apiKeyScopes);

  const oauthFlow = configureOAuthLogin({
    providers: options.oauthProviders,
    settings: options.oauth,
    apiKeyPepper: options.apiKeyPepper,
    appOrigin: options.appOrigin,
    stores,
    clock,
  });

  const authenticateNow: AuthenticateNow = reportingRefusals(parts, createAuthenticate(parts));
  const authenticate: Authenticate = asPromise(authenticateNow);
  const respondToError = (error: unknown): AuthResponse => {
    if (!isAuthError(error))
      parts.emit({
        type: 'error',
        name: (error as Error)?.name ?? 'unknown',
        code: (error as { code?: string })?.code,
      });
    const response = errorResponse(error);
    return { ...response, cookies: cookiesOf(error) };
  };
  const route = (
    method: AuthRoute['method'],
    path: string,
    handler: (request: AuthRequest) => Promise<AuthResponse>,
  ): AuthRoute =>
    Object.freeze({
      method,
      path,
      handle: async (request: AuthRequest) => {
        try {
          // Every route, authenticated or not: a credential in the URL is refused before anything else.
          assertNoCredentialsInUrl(request.url);
          return await handler(withClientAddress(request, proxyTrust));
        } catch (error) {
          return respondToError(error);
        }
      },
    });

  const mailed = accountFlow.mail !== undefined;
  const routes = Object.freeze([
    route('GET', '/healthz', () => health()),
    route('GET', '/.well-known/jwks.json', () => jwks(parts)),
    route('POST', '/auth/register', (req) => register(parts, accountFlow, req)),
    route('POST', '/auth/login', (req) => login(parts, req)),
    route('POST', '/auth/refresh', (req) => refresh(parts, req)),
    route('POST', '/auth/logout', (req) => logout(parts, req)),
    route('POST', '/auth/session', (req) => sessionLogin(parts, req)),
    route('DELETE', '/auth/session', (req) => sessionLogout(parts, req)),
    route('POST', '/auth/password/change', (req) => changePassword(parts, accountFlow, authenticate, req)),
    // The routes that mail a link exist only when there is a mailer to send it.
    ...(mailed
      ? [
          route('POST', '/auth/verify-email', (req) => verifyEmail(parts, accountFlow, req)),
          route('POST', '/auth/verify-email/resend', (req) =>
            resendVerification(parts, accountFlow, authenticate, req),
          ),
          route('POST', '/auth/password/forgot', (req) => forgotPassword(parts, accountFlow, req)),
          route('POST', '/auth/password/reset', (req) => resetPassword(parts, accountFlow, req)),
        ]
      : []),
    route('POST', '/admin/keys/rotate', (req) => rotateKeys(parts, authenticate, req)),
    // Self-service API keys only when the app says which scopes exist: there is no "any scope" default.
    ...(apiKeyScopes === undefined
      ? []
      : [
          route('POST', '/api-keys', (req) => createApiKey(parts, apiKeyScopes, authenticate, req)),
          route('GET', '/api-keys', (req) => listApiKeys(parts, authenticate, req)),
          route('POST', '/api-keys/:id/roll', (req) => rollApiKey(parts, authenticate, req)),
          route('DELETE', '/api-keys/:id', (req) => revokeApiKey(parts, authenticate, req)),
        ]),
    route('GET', '/auth/oauth/:provider/start', (req) => oauthStart(parts, oauthFlow, req)),
    route('GET', '/auth/oauth/:provider/callback', (req) =>
      oauthCallback(parts, oauthFlow, accountFlow, req),
    ),
  ]);

  return Object.freeze({
    ...parts,
    routes,
    authenticate,
    [AUTHENTICATE_NOW]: authenticateNow,
    authorize: (principal: Principal, requirement: Requirement) =>
      parts.policy.enforce(principal, requirement, {
        // A 403 answers with the scheme the request authenticated with: an API-key client gets `ApiKey`.
        challenge: (principal as Partial<AuthContext>).method === 'apiKey' ? 'ApiKey' : 'Bearer',
      }),
    errorResponse: respondToError,
    logoutEverywhere: (subject: string) => endEverySession(parts, subject),
    proxyTrust,
  });
}
