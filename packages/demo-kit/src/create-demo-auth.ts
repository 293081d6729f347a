import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type Auth,
  type AuthStores,
  createAuth,
  googlePreset,
  importSigningKeySet,
  type OAuthProviderConfig,
  type UserDirectory,
} from '@portcullis/core';
import { createPostgresStores } from '@portcullis/postgres';
import { createRedisStores, recommendedRedisOptions } from '@portcullis/redis';
import { createDemoMailer } from './demo-mailer.js';
import { DEMO_API_KEY_SCOPES, DEMO_POLICY } from './demo-policy.js';
import { type DemoConfig, readDemoConfig } from './env.js';
import { freePort } from './free-port.js';
import { resolveKeyringKek } from './keyring-kek.js';
import { resolvePepper } from './pepper.js';
import { consoleLogger, type DemoLogger, logAuthEvent } from './request-log.js';
import { createSqlUserDirectory, type SqlClient } from './users.js';

export interface DemoAuth {
  auth: Auth;
  users: UserDirectory & { count(): Promise<number> };
  config: DemoConfig;
  /** The port to listen on (resolved when `PORT=0`). */
  port: number;
  /** `http://<host>:<port>`. */
  baseUrl: string;
  /** Which storage is in use, for the start-up line. */
  storage: string;
  /** Where account mail goes, for the start-up lines. */
  mailDelivery: string;
  close(): Promise<void>;
}

/**
 * Builds everything a demo app needs from the environment: the embedded PGlite store in `DATA_DIR` by
 * default, PostgreSQL when `DATABASE_URL` is set, Redis for revocations, sessions and rate counters when
 * `REDIS_URL` is set; the users table; signing keys (generated and kept in the store, sealed under
 * `KEYRING_KEK`, or `SIGNING_KEYS`); a mailer (SMTP, or the outbox in `DATA_DIR/outbox/`); and `createAuth`
 * configured as the HTTP contract says.
 *
 * Security events go to `logger` (by default JSON lines on stdout), one line each.
 *
 * @example const demo = await createDemoAuth('hono', process.env, logger); // then mount demo.auth with an adapter
 */
export async function createDemoAuth(
  app: string,
  env: NodeJS.ProcessEnv = process.env,
  logger: DemoLogger = consoleLogger(app),
): Promise<DemoAuth> {
  const config = readDemoConfig(app, env);
  // First: a production start without SMTP_URL is refused before anything is opened or generated.
  const mail = createDemoMailer(config);
  // Then KEYRING_KEK: production without it (and without SIGNING_KEYS) is refused before anything is opened.
  const keyringKek = await resolveKeyringKek(config);
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const baseUrl = `http://${host}:${port}`;
  const closers: Array<() => Promise<unknown>> = [];

  let sql: SqlClient;
  let storage: string;
  if (config.databaseUrl !== undefined) {
    const { Pool } = await import('pg');
    // Short timeouts: an unreachable server must become a 503 within seconds, never a hung request.
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 2000,
      query_timeout: 5000,
    });
    pool.on('error', () => undefined); // an idle client's lost connection is reported by the next query instead
    closers.push(() => pool.end());
    sql = pool;
    storage = 'PostgreSQL';
  } else {
    const dir = resolve(config.dataDir);
    await mkdir(dir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create(join(dir, 'pglite'));
    closers.push(() => pglite.close());
    sql = pglite;
    storage = `embedded PGlite in ${dir}`;
  }
  const postgresStores = await createPostgresStores(sql as Parameters<typeof createPostgresStores>[0], {
    schema: config.schema,
  });
  let stores: AuthStores = postgresStores;
  if (config.redisUrl !== undefined) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(config.redisUrl, { ...recommendedRedisOptions, lazyConnect: true });
    redis.on('error', () => undefined); // surfaced as failed commands (503), not as an unhandled event
    await redis.connect();
    closers.push(() => redis.quit().catch(() => redis.disconnect()));
    const hot = createRedisStores(redis, { prefix: config.redisPrefix });
    // Hot, short-lived state in Redis (spent OAuth states and DPoP proof ids among it); API keys, refresh
    // families and keys stay in PostgreSQL.
    stores = {
      ...postgresStores,
      revocations: hot.revocations,
      sessions: hot.sessions,
      oauthStates: hot.oauthStates,
      rateLimiter: hot.rateLimiter,
    };
    storage += ' + Redis';
  }

  const users = await createSqlUserDirectory(sql, config.schema);
  const apiKeyPepper = await resolvePepper(
    sql,
    config.schema,
    config.apiKeyPepper,
    config.production,
    keyringKek,
  );
  const signingKeys =
    config.signingKeys === undefined ? undefined : await importSigningKeySet(config.signingKeys);
  // Providers named as the contract names them: `oidc` (any OpenID provider by discovery) and `google`.
  const oauthProviders: Record<string, OAuthProviderConfig> = {};
  if (config.oidc !== undefined) oauthProviders['oidc'] = config.oidc;
  if (config.google !== undefined) oauthProviders['google'] = googlePreset(config.google);
  const auth = await createAuth({
    stores,
    users,
    issuer: config.tokenIssuer ?? baseUrl,
    audience: config.tokenAudience,
    appOrigin: config.appOrigin ?? baseUrl,
    apiKeys: { pepper: apiKeyPepper, scopes: DEMO_API_KEY_SCOPES },
    policy: DEMO_POLICY,
    registration: config.registration,
    accounts: { registerLimit: config.registerMaxPerIp },
    // Links go to the demo's page at `<APP_ORIGIN>/` (core's default), which reads the token from the fragment.
    mail: { mailer: mail.mailer, appName: 'portcullis demo' },
    keys: {
      signingKeys,
      // Generated keys are stored sealed under KEYRING_KEK; configured ones are never stored.
      encryptionKey: signingKeys === undefined ? keyringKek : undefined,
      retirement: Math.max(86_400, config.accessTokenTtl),
    },
    tokens: { accessTtl: config.accessTokenTtl, refreshTtl: config.refreshTokenTtl },
    login: {
      maxFailures: config.loginMaxFailures,
      maxFailuresPerAccount: config.loginMaxFailuresPerAccount,
      maxFailuresPerIp: config.loginMaxFailuresPerIp,
      window: config.loginWindow,
    },
    // The client address (and HTTPS) behind TRUST_PROXY proxies, the same on every framework.
    trustProxy: config.trustProxy,
    // Core asks only once the e-mail is verified: registering an ADMIN_EMAILS address grants nothing.
    roleFor: (email) => (config.adminEmails.has(email) ? 'admin' : 'user'),
    oauth: { providers: oauthProviders },
    // Second factors live in the same database; the RP ID is APP_ORIGIN's host.
    mfa: { appName: 'portcullis demo', loginTtl: config.mfaTokenTtl },
    // Deleting an API key, changing the password, rotating keys: a login at most 10 minutes old.
    stepUp: { maxAge: config.stepUpMaxAge },
    dpop: { nonce: config.dpopNonce },
    // OAUTH_CLIENTS: the clients of /oauth/token, /oauth/introspect and /oauth/revoke; none, none served.
    ...(config.oauthClients.length === 0 ? {} : { clients: { registered: config.oauthClients } }),
    onEvent: (event) => logAuthEvent(logger, event),
  });

  return {
    auth,
    users,
    config,
    port,
    baseUrl,
    storage,
    mailDelivery: mail.delivery,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}
