import type { AdapterAuth } from '../adapter/adapter-auth.js';
import { AUTHENTICATE_NOW, type AuthenticateNow } from '../adapter/authenticate-now.js';
import { createApiKeyManager } from '../apikeys/api-key-manager.js';
import type { ApiKeyManagerOptions } from '../apikeys/api-key-manager-options.js';
import { type AuthClientOptions, createClientRegistry } from '../clients/client-registry.js';
import { createAuthCookies } from '../cookies/auth-cookies.js';
import type { AuthCookieNames } from '../cookies/cookie-names.js';
import { createCsrfGuard } from '../csrf/csrf-guard.js';
import { createDpopVerifier, type DpopOptions } from '../dpop/dpop-verifier.js';
import { type ChallengeScheme, isAuthError } from '../errors/auth-error.js';
import { errorResponse } from '../http/error-response.js';
import {
  createProxyTrust,
  type ProxyTrust,
  type TrustProxy,
  withClientAddress,
} from '../http/trust-proxy.js';
import type { AuthRequest, AuthResponse } from '../http/types.js';
import { assertNoCredentialsInUrl } from '../http/url-credentials.js';
import { assertStrongHmacSecret, GENERATE_HINT, hmacSecretBytes } from '../keys/hmac-secret.js';
import { createKeyring, type KeyringOptions } from '../keys/keyring.js';
import { parseRotationSchedule } from '../keys/rotation-schedule.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { asPromise, isThenable } from '../lib/maybe-promise.js';
import { optionError } from '../lib/option-error.js';
import { configureOAuthLogin, type OAuthSettings } from '../oauth/configure-login.js';
import type { OAuthProviderConfig } from '../oauth/provider-config.js';
import { createPasswordHasher, type PasswordHasherOptions } from '../passwords/password-hasher.js';
import { createPolicy, type PolicyDefinition } from '../policy/create-policy.js';
import type { Requirement } from '../policy/requirement.js';
import { createRateLimit } from '../ratelimit/create-rate-limit.js';
import { createDeviceCookies } from '../ratelimit/device-cookie.js';
import { createLoginThrottle, type LoginThrottleOptions } from '../ratelimit/login-throttle.js';
import {
  createRefreshTokenService,
  type RefreshTokenServiceOptions,
} from '../refresh/refresh-token-service.js';
import { createRevocationService } from '../revocation/revocation-service.js';
import { createSessionManager, type SessionManagerOptions } from '../sessions/session-manager.js';
import type { AuthStores } from '../stores/auth-stores.js';
import { guardStore } from '../stores/guard-store.js';
import { createMemoryOAuthStateStore } from '../stores/memory/memory-oauth-state-store.js';
import { type AccessTokenIssuerOptions, createAccessTokenIssuer } from '../tokens/issue-access-token.js';
import type { Principal } from '../tokens/principal.js';
import { type AccessTokenVerifierOptions, createAccessTokenVerifier } from '../tokens/verify-access-token.js';
import { type AccountOptions, createAccountFlow, type Registration } from './account-flow.js';
import type { MailOptions } from './account-mail.js';
import type { AuthEvent, AuthParts } from './auth-parts.js';
import { type AuthContext, type Authenticate, createAuthenticate } from './authenticate.js';
import { type AuthMfaOptions, type AuthStepUpOptions, configureMfa } from './configure-mfa.js';
import { endEverySession } from './end-sessions.js';
import { createApiKey, listApiKeys, revokeApiKey, rollApiKey } from './handlers/api-keys.js';
import { health, jwks, rotateKeys } from './handlers/keys.js';
import { login } from './handlers/login.js';
import { logout } from './handlers/logout.js';
import {
  confirmTotp,
  mfaStatus,
  regenerateRecoveryCodes,
  removeTotp,
  startTotp,
  verifySecondFactor,
} from './handlers/mfa.js';
import { oauthCallback, oauthStart } from './handlers/oauth.js';
import { introspect, oauthToken, revoke } from './handlers/oauth-endpoints.js';
import {
  passkeyLogin,
  passkeyLoginOptions,
  passkeyRegistrationOptions,
  registerPasskey,
  removePasskey,
} from './handlers/passkeys.js';
import { changePassword, forgotPassword, resetPassword } from './handlers/password.js';
import { reauthenticate } from './handlers/reauthenticate.js';
import { refresh } from './handlers/refresh.js';
import { register } from './handlers/register.js';
import { sessionLogin, sessionLogout } from './handlers/session.js';
import { resendVerification, verifyEmail } from './handlers/verify-email.js';
import type { UserDirectory } from './user-directory.js';
import { cookiesOf } from './with-cleared-cookies.js';

/**
 * Lifetimes of what `createAuth` issues, and the cache of verified access tokens (`createAuth`'s `tokens`).
 * Each is typed from the part that uses it: the access-token issuer, the refresh-token service, the verifier.
 */
export interface AuthTokenOptions {
  /** Lifetime of an access token, in seconds or as `"15m"`. Default 15 minutes. */
  accessTtl?: AccessTokenIssuerOptions['ttl'];
  /** Lifetime of one refresh token, in seconds or as `"7d"`. Default 7 days. */
  refreshTtl?: RefreshTokenServiceOptions['ttl'];
  /** Absolute lifetime of a login's refresh family: no rotation extends it. Default: `refreshTtl`. */
  refreshFamilyLifetime?: RefreshTokenServiceOptions['familyLifetime'];
  /** Cache of verified access tokens: `false` disables it. Default up to 10 000 entries. */
  cache?: AccessTokenVerifierOptions['cache'];
}

/** How access tokens are signed and the signing keys kept (`createAuth`'s `keys`): the keyring's options. */
export interface AuthKeyOptions {
  /**
   * Signing keys managed outside portcullis (e.g. parsed from `SIGNING_KEYS`): the first signs, all verify,
   * none rotates. Without them, keys are generated into `stores.keyring`.
   */
  signingKeys?: KeyringOptions['keys'];
  /** Algorithm of generated keys. Default `EdDSA`. */
  algorithm?: KeyringOptions['algorithm'];
  /**
   * How long a rotated-out key keeps verifying, in seconds or as `"1d"`. Default 1 day; never less than
   * `tokens.accessTtl` (a rotated-out key must verify every token it signed).
   */
  retirement?: KeyringOptions['retireAfter'];
  /**
   * Scheduled rotation of generated keys, e.g. `{ every: '30d', prePublish: '1d' }`: each new key is in the
   * JWKS `prePublish` before it signs; the one it replaces verifies `retirement` longer. Exactly one
   * instance rotates (compare-and-set on the stored keyring). `POST /admin/keys/rotate` still rotates at once.
   */
  rotation?: KeyringOptions['rotation'];
  /**
   * Encrypts the private keys stored in `stores.keyring` (AES-256-GCM, the kid as associated data): 32
   * random bytes, base64url or bytes. Required when `NODE_ENV=production` and keys are generated (no
   * `signingKeys`); without it in development, a `keys.stored_unencrypted` event is sent to `onEvent`.
   */
  encryptionKey?: KeyringOptions['keyEncryptionKey'];
  /** Earlier key-encryption keys: a keyring sealed under one opens, and is resealed under `encryptionKey`. */
  previousEncryptionKeys?: KeyringOptions['previousKeyEncryptionKeys'];
}

/** Self-service API keys (`createAuth`'s `apiKeys`). Only `pepper` is required. */
export interface AuthApiKeyOptions {
  /**
   * Server-side secret (≥ 32 random bytes, kept outside the database) that keys the API-key hashes and,
   * through keys derived from it, the OAuth-state and device cookies: required even without API-key routes.
   */
  pepper: ApiKeyManagerOptions['pepper'];
  /** Earlier peppers, still accepted for keys made under them. */
  previousPeppers?: ApiKeyManagerOptions['previousPeppers'];
  /**
   * Scopes an API key may carry. Without it, the API-key routes are not served. A user may give a key only
   * the scopes their role grants as permissions in `policy` (403 `insufficient_scope` otherwise).
   */
  scopes?: ApiKeyManagerOptions['allowedScopes'];
  /** Visible prefix of new keys; only keys with it verify. Default `pc_live`. */
  prefix?: ApiKeyManagerOptions['prefix'];
  /** Requests per minute per API key. Default 600; `false` disables. */
  rateLimit?: number | false;
}

/**
 * Cookie sessions (`createAuth`'s `sessions`): a session unused for `idleTimeout` ends (default `"30m"`), and
 * every session ends `absoluteTimeout` after login (default `"12h"`).
 */
export interface AuthSessionOptions extends Pick<SessionManagerOptions, 'idleTimeout' | 'absoluteTimeout'> {}

/**
 * Failed-login limits (`createAuth`'s `login`), counted inside `window` (default 15 minutes): `maxFailures`
 * per e-mail from one client address (default 5); `maxFailuresPerAccount` per e-mail from all addresses, past
 * which every client without that account's device cookie (set at each successful password login) gets 429
 * (default 50); `maxFailuresPerIp` per client address, all e-mails (default 100).
 */
export interface AuthLoginOptions
  extends Pick<
    LoginThrottleOptions,
    'maxFailures' | 'maxFailuresPerAccount' | 'maxFailuresPerIp' | 'window'
  > {}

/** Sign-in through OAuth and OpenID providers (`createAuth`'s `oauth`): the providers, and the flow's settings. */
export interface AuthOAuthOptions extends OAuthSettings {
  /**
   * Sign-in providers by name, served at `GET /auth/oauth/<name>/start` and `/callback`: an OpenID provider
   * (`{ issuer, clientId, clientSecret }`, discovered at first use) or a preset (`googlePreset()`,
   * `microsoftPreset()`, `githubPreset()`). The redirect URI to register is `<appOrigin>/auth/oauth/<name>/callback`.
   */
  providers?: Readonly<Record<string, OAuthProviderConfig>>;
}

/**
 * `createAuth`'s options: what spans every flow at the top level, each concern in its own group.
 */
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
  /**
   * Which reverse proxies to believe for the client's address (`X-Forwarded-For`, which login, registration
   * and reset limits count by) and protocol (`X-Forwarded-Proto`): a number of proxies in front of the app
   * (`1` behind one load balancer), or a list of their addresses and networks (`['10.0.0.0/8']`). Default
   * `0`: the socket's address, both headers ignored. Every adapter hands core the socket's address and the
   * headers; this setting alone decides, whatever the framework's own proxy setting says.
   */
  trustProxy?: TrustProxy;
  /** Required: the API-key pepper, which also keys the OAuth-state and device cookies; scopes, prefix, rate limit. */
  apiKeys: AuthApiKeyOptions;
  /** Lifetimes of access and refresh tokens, and the verified-token cache. */
  tokens?: AuthTokenOptions;
  /** Signing keys: configured or generated, their algorithm, retirement, rotation and encryption at rest. */
  keys?: AuthKeyOptions;
  /** Idle and absolute timeouts of cookie sessions. */
  sessions?: AuthSessionOptions;
  /** Failed-login limits per address, per account and per client, and their window. */
  login?: AuthLoginOptions;
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
  /**
   * Lifetimes of mailed links and limits of the account routes. Kept beside `registration`, not in it: the
   * verification and reset links serve accounts from OAuth or the application too, with registration closed.
   */
  accounts?: AccountOptions;
  /** Sign-in providers (`oauth.providers`) and the settings of the sign-in flow. */
  oauth?: AuthOAuthOptions;
  /**
   * Registered confidential clients of portcullis's own OAuth endpoints: the client-credentials grant
   * (`POST /oauth/token`), introspection (`POST /oauth/introspect`, RFC 7662) and revocation
   * (`POST /oauth/revoke`, RFC 7009). Without it, those routes are not served.
   */
  clients?: AuthClientOptions;
  /** Second factors (TOTP, recovery codes, passkeys): names, lifetimes, limits. On when `stores.mfa` is there. */
  mfa?: AuthMfaOptions;
  /** How recently a user must have authenticated for the sensitive routes. Default 10 minutes. */
  stepUp?: AuthStepUpOptions;
  /**
   * Sender-constrained tokens (DPoP, RFC 9449): a login or refresh that sends a `DPoP` proof gets tokens
   * bound to its key, and `Authorization: DPoP` is accepted on every protected route. Always on; these
   * options set the accepted algorithms, the proof age and server nonces. Spent proof ids are kept in
   * `stores.oauthStates`, shared by every instance.
   */
  dpop?: DpopOptions;
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
 * Refuses a missing or weak `apiKeys.pepper` at start-up, naming the option: it keys the API-key hashes and
 * the OAuth-state and device cookies, so nothing works without it.
 */
function assertApiKeyPepper(pepper: unknown): asserts pepper is string | Uint8Array {
  if (typeof pepper !== 'string' && !(pepper instanceof Uint8Array)) {
    throw optionError(
      'apiKeys.pepper',
      'is required: a server secret of at least 32 random bytes, kept outside the database, that keys API-key hashes and the OAuth-state and device cookies',
      GENERATE_HINT,
    );
  }
  try {
    assertStrongHmacSecret(hmacSecretBytes(pepper));
  } catch (error) {
    // The weak-secret message already says what to do: split it at the first sentence's end.
    const message = (error as Error).message;
    const end = message.indexOf('; ') >= 0 ? message.indexOf('; ') : message.indexOf('. ');
    throw end < 0
      ? optionError('apiKeys.pepper', message, GENERATE_HINT)
      : optionError('apiKeys.pepper', message.slice(0, end), message.slice(end + 2));
  }
}

/**
 * Refuses, at start-up and naming `createAuth`'s own options, the `keys` combinations the keyring would
 * refuse under its option names: rotation or a key-encryption key with configured keys, an earlier
 * key-encryption key without a current one, generated keys stored in the clear in production.
 */
function assertKeyOptions(keys: AuthKeyOptions): void {
  if (keys.rotation !== undefined && keys.signingKeys !== undefined)
    throw optionError(
      'keys.rotation',
      'needs generated keys: keys from keys.signingKeys never rotate',
      'remove one of the two',
    );
  if (keys.encryptionKey !== undefined && keys.signingKeys !== undefined)
    throw optionError(
      'keys.encryptionKey',
      'protects generated keys in stores.keyring; keys from keys.signingKeys are never stored, so it would protect nothing',
      'remove one of the two',
    );
  if (keys.previousEncryptionKeys !== undefined && keys.encryptionKey === undefined)
    throw optionError(
      'keys.previousEncryptionKeys',
      'needs keys.encryptionKey (the current key)',
      'set keys.encryptionKey too',
    );
  if (
    keys.signingKeys === undefined &&
    keys.encryptionKey === undefined &&
    globalThis.process?.env?.['NODE_ENV'] === 'production'
  )
    throw optionError(
      'keys.encryptionKey',
      'is required when NODE_ENV=production and signing keys are generated into stores.keyring: without it, whoever reads the stored keyring can sign tokens for any role',
      `give 32 random bytes (base64url), or configure keys.signingKeys. ${GENERATE_HINT}`,
    );
}

/**
 * `authenticate` that also reports each refused token or DPoP proof to `onEvent` (`token.refused` with its reason). Only
 * the refusal path pays: a synchronous answer stays synchronous.
 */
function reportingRefusals(
  parts: AuthParts,
  authenticate: ReturnType<typeof createAuthenticate>,
): ReturnType<typeof createAuthenticate> {
  const report = (error: unknown): never => {
    // A refused DPoP proof is a refused credential too (a replay is what an attacker's try looks like).
    if (isAuthError(error) && (error.code === 'invalid_token' || error.code === 'invalid_dpop_proof'))
      parts.emit({ type: 'token.refused', reason: error.reason ?? error.code });
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
/** The hasher's events go to `onEvent` as well as to `passwords.onEvent`, if the app set one. */
function withEvents(
  passwords: PasswordHasherOptions,
  onEvent: ((event: AuthEvent) => void) | undefined,
): PasswordHasherOptions {
  // Anything but an object is left for createPasswordHasher to refuse, in its own words.
  if (typeof passwords !== 'object' || passwords === null || onEvent === undefined) return passwords;
  const own = passwords.onEvent;
  if (own !== undefined && typeof own !== 'function') return passwords;
  return {
    ...passwords,
    onEvent: (event) => {
      try {
        own?.(event);
      } finally {
        onEvent(event);
      }
    },
  };
}

const DEVICE_COOKIE_MAX_AGE = 180 * 86_400;

/** The challenge of a 403 for a request authenticated by `method`: the scheme it used. */
function challengeOf(method: AuthContext['method'] | undefined): ChallengeScheme {
  if (method === 'apiKey') return 'ApiKey';
  return method === 'dpop' ? 'DPoP' : 'Bearer';
}

/**
 * Refuses, at start-up, API-key scopes that no role grants: every key creation would be 403, which is
 * closed but surely not what was meant — the policy's roles need the scopes among their permissions.
 */
function assertSomeRoleGrants(policy: PolicyDefinition | undefined, scopes: ReadonlySet<string>): void {
  const granted = new Set(Object.values(policy?.roles ?? {}).flatMap((role) => role.permissions ?? []));
  if (![...scopes].some((scope) => granted.has(scope))) {
    throw optionError(
      'apiKeys.scopes',
      'no role of `policy` grants any of these scopes, so no user could create a key',
      'add them as permissions, e.g. policy: { roles: { user: { permissions: [...] } } }',
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
 *   audience: 'portcullis-demo', appOrigin: 'http://127.0.0.1:3000', apiKeys: { pepper: process.env.API_KEY_PEPPER! } });
 */
export async function createAuth(options: CreateAuthOptions): Promise<Auth> {
  const apiKeyOptions: Partial<AuthApiKeyOptions> = options.apiKeys ?? {};
  const pepper = apiKeyOptions.pepper;
  assertApiKeyPepper(pepper);
  const tokenOptions = options.tokens ?? {};
  const keyOptions = options.keys ?? {};
  const sessionOptions = options.sessions ?? {};
  const loginOptions = options.login ?? {};
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
    mfa: options.stores.mfa && guardStore(options.stores.mfa),
  };
  const accessTtl = parseDuration(tokenOptions.accessTtl ?? '15m', 'tokens.accessTtl');
  const refreshTtl = parseDuration(tokenOptions.refreshTtl ?? '7d', 'tokens.refreshTtl');
  const keyRetirement = parseDuration(keyOptions.retirement ?? '1d', 'keys.retirement');
  if (keyRetirement < accessTtl) {
    throw optionError(
      'keys.retirement',
      'must be at least tokens.accessTtl: a rotated-out key must verify every token it signed',
      'lengthen it, or shorten tokens.accessTtl',
    );
  }
  parseRotationSchedule(keyOptions.rotation, 'keys.rotation');
  assertKeyOptions(keyOptions);
  const keyring = await createKeyring({
    algorithm: keyOptions.algorithm ?? 'EdDSA',
    retireAfter: keyRetirement,
    keyEncryptionKey: keyOptions.encryptionKey,
    previousKeyEncryptionKeys: keyOptions.previousEncryptionKeys,
    rotation: keyOptions.rotation,
    onEvent: options.onEvent,
    clock,
    // Either configured keys or the store: the keyring refuses both.
    ...(keyOptions.signingKeys === undefined ? { store: stores.keyring } : { keys: keyOptions.signingKeys }),
  });
  const revocations = createRevocationService({
    store: stores.revocations,
    accessTokenTtl: accessTtl,
    clock,
  });
  const apiKeyLimit =
    apiKeyOptions.rateLimit === false
      ? undefined
      : createRateLimit({
          points: apiKeyOptions.rateLimit ?? 600,
          duration: 60,
          keyPrefix: 'portcullis:apikey',
          limiterFactory: options.stores.rateLimiter,
        });
  const onEvent = options.onEvent;
  const appOrigins = typeof options.appOrigin === 'string' ? [options.appOrigin] : [...options.appOrigin];
  const secondFactors = configureMfa({
    options: options.mfa,
    stepUp: options.stepUp,
    store: stores.mfa,
    pepper,
    previousPeppers: apiKeyOptions.previousPeppers,
    appOrigins,
    limiterFactory: options.stores.rateLimiter,
    clock,
  });

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
      cache: tokenOptions.cache,
    }),
    refreshTokens: createRefreshTokenService({
      store: stores.refreshTokens,
      ttl: refreshTtl,
      familyLifetime: tokenOptions.refreshFamilyLifetime ?? refreshTtl,
      clock,
    }),
    revocations,
    sessions: createSessionManager({
      store: stores.sessions,
      clock,
      idleTimeout: sessionOptions.idleTimeout,
      absoluteTimeout: sessionOptions.absoluteTimeout,
    }),
    apiKeys: createApiKeyManager({
      store: stores.apiKeys,
      pepper,
      clock,
      previousPeppers: apiKeyOptions.previousPeppers,
      allowedScopes: apiKeyOptions.scopes,
      prefix: apiKeyOptions.prefix,
      rateLimit:
        apiKeyLimit === undefined
          ? undefined
          : async (keyId: string) => void (await apiKeyLimit.consume(keyId)),
    }),
    passwords: createPasswordHasher(withEvents(options.passwords ?? {}, onEvent)),
    loginThrottle: createLoginThrottle({
      limiterFactory: options.stores.rateLimiter,
      maxFailures: loginOptions.maxFailures,
      maxFailuresPerAccount: loginOptions.maxFailuresPerAccount,
      maxFailuresPerIp: loginOptions.maxFailuresPerIp,
      window: loginOptions.window,
    }),
    csrf: createCsrfGuard({
      allowedOrigins: typeof options.appOrigin === 'string' ? [options.appOrigin] : options.appOrigin,
    }),
    // Keyed from the pepper (HKDF, its own purpose): a server secret that every instance already shares.
    devices: createDeviceCookies({
      secret: hmacSecretBytes(pepper),
      maxAge: DEVICE_COOKIE_MAX_AGE,
      clock,
    }),
    cookies: createAuthCookies({
      accessTtl,
      refreshTtl,
      deviceMaxAge: DEVICE_COOKIE_MAX_AGE,
      names: options.cookieNames,
    }),
    policy: createPolicy(options.policy, { clock }),
    dpop: createDpopVerifier({
      options: options.dpop,
      // Every instance must see every spent proof id: the OAuth-state store is shared and does exactly that.
      replay: stores.oauthStates ?? createMemoryOAuthStateStore({ clock }),
      secret: hmacSecretBytes(pepper),
      proxyTrust,
      clock,
    }),
    mfa: secondFactors.mfa,
    mfaThrottle: secondFactors.mfaThrottle,
    sensitiveActions: secondFactors.sensitiveActions,
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
  const apiKeyScopes = apiKeyOptions.scopes === undefined ? undefined : new Set(apiKeyOptions.scopes);
  if (apiKeyScopes !== undefined) assertSomeRoleGrants(options.policy, apiKeyScopes);

  const oauthFlow = configureOAuthLogin({
    providers: options.oauth?.providers,
    settings: options.oauth,
    apiKeyPepper: pepper,
    appOrigin: options.appOrigin,
    stores,
    clock,
  });

  const clientRegistry =
    options.clients === undefined
      ? undefined
      : createClientRegistry(options.clients, {
          pepper: hmacSecretBytes(pepper),
          limiterFactory: options.stores.rateLimiter,
          onFailure: (clientId, reason) => parts.emit({ type: 'client.auth_failed', clientId, reason }),
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
    route('POST', '/auth/reauthenticate', (req) => reauthenticate(parts, authenticate, req)),
    // Second factors only with a store to keep them in.
    ...(parts.mfa === undefined
      ? []
      : [
          route('GET', '/auth/mfa', (req) => mfaStatus(parts, authenticate, req)),
          route('POST', '/auth/mfa/totp', (req) => startTotp(parts, authenticate, req)),
          route('POST', '/auth/mfa/totp/confirm', (req) => confirmTotp(parts, authenticate, req)),
          route('DELETE', '/auth/mfa/totp', (req) => removeTotp(parts, authenticate, req)),
          route('POST', '/auth/mfa/recovery-codes', (req) =>
            regenerateRecoveryCodes(parts, authenticate, req),
          ),
          route('POST', '/auth/mfa/verify', (req) => verifySecondFactor(parts, req)),
          route('POST', '/auth/passkeys/register/options', (req) =>
            passkeyRegistrationOptions(parts, authenticate, req),
          ),
          route('POST', '/auth/passkeys/register', (req) => registerPasskey(parts, authenticate, req)),
          route('DELETE', '/auth/passkeys/:id', (req) => removePasskey(parts, authenticate, req)),
          route('POST', '/auth/passkeys/login/options', (req) => passkeyLoginOptions(parts, req)),
          route('POST', '/auth/passkeys/login', (req) => passkeyLogin(parts, req)),
        ]),
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
    // The server's own OAuth endpoints only for registered clients: nobody else could call them.
    ...(clientRegistry === undefined
      ? []
      : [
          route('POST', '/oauth/token', (req) => oauthToken(parts, clientRegistry, req)),
          route('POST', '/oauth/introspect', (req) => introspect(parts, clientRegistry, req)),
          route('POST', '/oauth/revoke', (req) => revoke(parts, clientRegistry, req)),
        ]),
  ]);

  return Object.freeze({
    ...parts,
    routes,
    authenticate,
    [AUTHENTICATE_NOW]: authenticateNow,
    authorize: (principal: Principal, requirement: Requirement) => {
      try {
        parts.policy.enforce(principal, requirement, {
          // A 403 answers with the scheme the request authenticated with: an API-key client gets `ApiKey`.
          challenge: challengeOf((principal as Partial<AuthContext>).method),
        });
      } catch (error) {
        if (isAuthError(error) && error.code === 'insufficient_user_authentication')
          parts.emit({
            type: 'stepup.required',
            subject: principal.subject,
            action: 'route',
            reason: error.reason ?? 'stale_authentication',
          });
        throw error;
      }
    },
    errorResponse: respondToError,
    logoutEverywhere: (subject: string) => endEverySession(parts, subject),
    proxyTrust,
  });
}
