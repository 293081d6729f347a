import { DEFAULT_SCHEMA } from '../options.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates a schema name. A schema is an identifier, not a value, so it cannot be a query parameter: it
 * is checked against a strict pattern instead (lower case, digits, underscore, at most 63 bytes —
 * PostgreSQL's limit for a name) and then always used quoted. `pg_` names are reserved by PostgreSQL.
 */
export function validSchema(schema: string | undefined): string {
  const name = schema ?? DEFAULT_SCHEMA;
  if (typeof name !== 'string' || !SCHEMA_NAME.test(name) || name.startsWith('pg_')) {
    throw new TypeError(
      `@portcullis/postgres: schema must match ${SCHEMA_NAME} and not start with "pg_" (got ${JSON.stringify(name)})`,
    );
  }
  return name;
}

/** The quoted, fully qualified name of every table in one schema, ready to be placed in SQL. */
export function tableNames(schema: string | undefined) {
  const s = `"${validSchema(schema)}"`;
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
  };
}

export type Tables = ReturnType<typeof tableNames>;
