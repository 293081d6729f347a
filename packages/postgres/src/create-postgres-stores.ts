import type { AuthStores } from '@portcullis/core';
import { optionError } from '@portcullis/core/adapter';
import type { PostgresDatabase } from './database.js';
import { toQueryable } from './lib/queryable.js';
import { tableNames, validSchema } from './lib/schema.js';
import { migrate } from './migrations/migrate.js';
import type { PostgresStoreOptions } from './options.js';
import { apiKeyStore } from './stores/api-key-store.js';
import { identityStore } from './stores/identity-store.js';
import { keyringStore } from './stores/keyring-store.js';
import { mfaStore } from './stores/mfa-store.js';
import { oauthStateStore } from './stores/oauth-state-store.js';
import { oneTimeTokenStore } from './stores/one-time-token-store.js';
import { rateLimiterFactory } from './stores/rate-limiter-factory.js';
import { refreshTokenStore } from './stores/refresh-token-store.js';
import { revocationStore } from './stores/revocation-store.js';
import { sessionStore } from './stores/session-store.js';

export interface PostgresStoresOptions extends PostgresStoreOptions {
  /**
   * Run `migrate` before returning the stores. Default `true`. Turn it off when migrations run as a
   * separate deployment step (e.g. from the CLI) under a role the application does not have.
   */
  migrate?: boolean;
}

/**
 * Every store portcullis needs, in PostgreSQL: on a `pg` Pool (a server shared by every instance) or on a
 * PGlite instance (one process, in memory or in a directory). Runs the migrations first unless told not to.
 *
 * @example
 * const stores = await createPostgresStores(new Pool({ connectionString: process.env.DATABASE_URL }));
 * const auth = await createAuth({ stores, users, issuer, audience, appOrigin, apiKeys: { pepper } });
 */
export async function createPostgresStores(
  db: PostgresDatabase,
  options: PostgresStoresOptions = {},
): Promise<AuthStores> {
  const queryable = toQueryable(db);
  const schema = validSchema(options.schema);
  const runMigrations = options.migrate ?? true;
  if (typeof runMigrations !== 'boolean')
    throw optionError(
      'createPostgresStores.migrate',
      `must be a boolean, not ${typeof runMigrations}`,
      'pass false to run migrate() yourself, or omit it for true',
    );
  if (runMigrations) await migrate(db, { schema });
  const t = tableNames(schema);
  return {
    keyring: keyringStore(queryable, t),
    refreshTokens: refreshTokenStore(queryable, t),
    revocations: revocationStore(queryable, t),
    apiKeys: apiKeyStore(queryable, t),
    sessions: sessionStore(queryable, t),
    rateLimiter: rateLimiterFactory(queryable, schema),
    oauthStates: oauthStateStore(queryable, t),
    oneTimeTokens: oneTimeTokenStore(queryable, t),
    identities: identityStore(queryable, t),
    mfa: mfaStore(queryable, t),
  };
}
