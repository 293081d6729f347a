import { optionError } from '@portcullis/core/adapter';
import { DEFAULT_SCHEMA } from '../options.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates a schema name. A schema is an identifier, not a value, so it cannot be a query parameter: it
 * is checked against a strict pattern instead (lower case, digits, underscore, at most 63 bytes —
 * PostgreSQL's limit for a name) and then always used quoted. `pg_` names are reserved by PostgreSQL.
 */
export function validSchema(schema: string | undefined, caller = 'createPostgresStores'): string {
  const name = schema ?? DEFAULT_SCHEMA;
  if (typeof name !== 'string' || !SCHEMA_NAME.test(name) || name.startsWith('pg_')) {
    throw optionError(
      `${caller}.schema`,
      `${JSON.stringify(name)} is not a schema name portcullis accepts`,
      `give one that matches ${SCHEMA_NAME} and does not start with "pg_", or omit it for "${DEFAULT_SCHEMA}"`,
    );
  }
  return name;
}

/** The quoted, fully qualified name of every table in one schema, ready to be placed in SQL. */
export function tableNames(schema: string | undefined, caller?: string) {
  const s = `"${validSchema(schema, caller)}"`;
  return {
    schema: s,
    migrations: `${s}.migrations`,
    apiKeys: `${s}.api_keys`,
    refreshFamilies: `${s}.refresh_families`,
    refreshTokens: `${s}.refresh_tokens`,
    revocations: `${s}.revocations`,
    sessions: `${s}.sessions`,
    keyring: `${s}.keyring`,
    rateLimits: `${s}.rate_limits`,
    oauthStates: `${s}.oauth_states`,
    oneTimeTokens: `${s}.one_time_tokens`,
    identities: `${s}.identities`,
    mfaFactors: `${s}.mfa_factors`,
    mfaChallenges: `${s}.mfa_challenges`,
  };
}

export type Tables = ReturnType<typeof tableNames>;
