import { resolve } from 'node:path';
import { parseDuration } from '@portcullis/core';

/** The demo apps' settings, read from the environment as the HTTP contract's table describes them. */
export interface DemoConfig {
  app: string;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Schema for portcullis's tables and the demo's users (tests use a fresh one per run). */
  schema: string;
  /** Key prefix in Redis (tests use a fresh one per run). */
  redisPrefix: string;
  adminEmails: ReadonlySet<string>;
  /** `open` (the demo's default), or `closed`: `POST /auth/register` answers 404. */
  registration: 'open' | 'closed';
  /** Mail goes over SMTP when set; otherwise to `.eml` files in `outboxDir`. Holds a password: never print it. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** `DATA_DIR/outbox`, where the development outbox writes (absolute). */
  outboxDir: string;
  signingKeys: string | undefined;
  tokenIssuer: string | undefined;
  tokenAudience: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  loginMaxFailures: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  registerMaxPerIp: number;
  loginWindow: number;
  /** `STEP_UP_MAX_AGE`: how recent a login the sensitive routes need (repo docs: contract-notes.md). */
  stepUpMaxAge: number;
  /** `MFA_TOKEN_TTL`: lifetime of the mfa_token between a login's two steps. */
  mfaTokenTtl: number;
  /** `DPOP_NONCE`: `required` makes every DPoP proof carry a server nonce (`DPoP-Nonce`); default `off`. */
  dpopNonce: 'required' | 'off';
  appOrigin: string | undefined;
  apiKeyPepper: string | undefined;
  /** `KEYRING_KEK`: seals the stored signing keys and the development pepper. A secret: never print it. */
  keyringKek: string | undefined;
  oidc: { issuer: string; clientId: string; clientSecret: string } | undefined;
  google: { clientId: string; clientSecret: string } | undefined;
  production: boolean;
  /** `TRUST_PROXY`: reverse proxies in front of the app, handed to `createAuth({ trustProxy })`. */
  trustProxy: number;
  /**
   * `OAUTH_CLIENTS`: the clients of `/oauth/token`, `/oauth/introspect` and `/oauth/revoke`, handed to
   * `createAuth({ clients })`. Empty (the default): those routes are not served. Holds secrets: never print it.
   */
  oauthClients: readonly DemoOAuthClient[];
}

/** One `OAUTH_CLIENTS` entry: `id:secret:scope scope…[|grant grant…]`. */
export interface DemoOAuthClient {
  id: string;
  secret: string;
  scopes: string[];
  grants: ('client_credentials' | 'introspection' | 'revocation')[];
}

const CLIENT_GRANTS = ['client_credentials', 'introspection', 'revocation'] as const;

/**
 * Parses `OAUTH_CLIENTS`: comma-separated `id:secret:scopes[|grants]`, scopes and grants space-separated
 * (scopes may hold colons, as `reports:read` does; grants default to `client_credentials`). A malformed
 * entry is named by its position, never echoed: it holds a secret. Whether a secret is strong enough,
 * `createAuth` judges.
 */
function oauthClients(env: NodeJS.ProcessEnv): DemoOAuthClient[] {
  const raw = optional(env, 'OAUTH_CLIENTS');
  if (raw === undefined) return [];
  return raw.split(',').map((entry, index) => {
    const [id = '', afterId = ''] = splitOnce(entry.trim(), ':');
    const [secret = '', rest = ''] = splitOnce(afterId, ':');
    const [scopes = '', grants = 'client_credentials'] = splitOnce(rest, '|');
    const grantList = grants.split(' ').filter((g) => g.length > 0);
    if (
      id === '' ||
      secret === '' ||
      grantList.length === 0 ||
      !grantList.every((g) => (CLIENT_GRANTS as readonly string[]).includes(g))
    )
      throw new TypeError(
        `OAUTH_CLIENTS entry ${index + 1} must be id:secret:scopes[|grants], grants among ${CLIENT_GRANTS.join(', ')}`,
      );
    return {
      id,
      secret,
      scopes: scopes.split(' ').filter((s) => s.length > 0),
      grants: grantList as DemoOAuthClient['grants'],
    };
  });
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(`${name} must be an integer ≥ ${min}; got ${JSON.stringify(raw)}`);
  return value;
}

function duration(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  return parseDuration(env[name] || fallback, name);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const raw = optional(env, name) ?? fallback;
  if (!(values as readonly string[]).includes(raw))
    throw new TypeError(
      `${name} must be ${values.map((v) => `"${v}"`).join(' or ')}; got ${JSON.stringify(raw)}`,
    );
  return raw as T;
}

/** `value` split at the first `separator`: `[value]` when there is none. */
function splitOnce(value: string, separator: string): string[] {
  const at = value.indexOf(separator);
  return at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Reads the demo configuration. A malformed value stops start-up with a `TypeError` naming the variable
 * (never echoing a secret's value).
 *
 * @example const config = readDemoConfig('hono', process.env);
 */
export function readDemoConfig(app: string, env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const oidcIssuer = optional(env, 'OIDC_ISSUER');
  const googleId = optional(env, 'GOOGLE_CLIENT_ID');
  const nodeEnv = optional(env, 'NODE_ENV') ?? 'development';
  const dataDir = optional(env, 'DATA_DIR') ?? `./.data/${app}`;
  return {
    app,
    port: integer(env, 'PORT', 3000),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    databaseUrl: optional(env, 'DATABASE_URL'),
    redisUrl: optional(env, 'REDIS_URL'),
    schema: optional(env, 'PORTCULLIS_SCHEMA') ?? 'portcullis',
    redisPrefix: optional(env, 'PORTCULLIS_REDIS_PREFIX') ?? 'portcullis:',
    adminEmails: new Set(
      (env['ADMIN_EMAILS'] ?? '')
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter((e) => e.length > 0),
    ),
    registration: oneOf(env, 'REGISTRATION', ['open', 'closed'], 'open'),
    smtpUrl: optional(env, 'SMTP_URL'),
    mailFrom: optional(env, 'MAIL_FROM') ?? 'portcullis demo <no-reply@localhost>',
    outboxDir: resolve(dataDir, 'outbox'),
    signingKeys: optional(env, 'SIGNING_KEYS'),
    tokenIssuer: optional(env, 'TOKEN_ISSUER'),
    tokenAudience: optional(env, 'TOKEN_AUDIENCE') ?? 'portcullis-demo',
    accessTokenTtl: duration(env, 'ACCESS_TOKEN_TTL', '15m'),
    refreshTokenTtl: duration(env, 'REFRESH_TOKEN_TTL', '7d'),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1),
    loginMaxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 50, 1),
    loginMaxFailuresPerIp: integer(env, 'LOGIN_MAX_FAILURES_PER_IP', 100, 1),
    registerMaxPerIp: integer(env, 'REGISTER_MAX_PER_IP', 10, 1),
    loginWindow: duration(env, 'LOGIN_WINDOW', '15m'),
    stepUpMaxAge: duration(env, 'STEP_UP_MAX_AGE', '10m'),
    mfaTokenTtl: duration(env, 'MFA_TOKEN_TTL', '5m'),
    dpopNonce: oneOf(env, 'DPOP_NONCE', ['required', 'off'], 'off'),
    appOrigin: optional(env, 'APP_ORIGIN'),
    apiKeyPepper: optional(env, 'API_KEY_PEPPER'),
    keyringKek: optional(env, 'KEYRING_KEK'),
    oidc:
      oidcIssuer === undefined
        ? undefined
        : {
            issuer: oidcIssuer,
            clientId: optional(env, 'OIDC_CLIENT_ID') ?? '',
            clientSecret: optional(env, 'OIDC_CLIENT_SECRET') ?? '',
          },
    google:
      googleId === undefined
        ? undefined
        : { clientId: googleId, clientSecret: optional(env, 'GOOGLE_CLIENT_SECRET') ?? '' },
    production: nodeEnv === 'production',
    // A count, not a switch: `true` or `yes` stops start-up rather than silently trusting nothing (or all).
    trustProxy: integer(env, 'TRUST_PROXY', 0),
    oauthClients: oauthClients(env),
  };
}
