import type { Tables } from '../lib/schema.js';

/** One schema change. Versions only ever grow; a released migration is never edited, only followed. */
export interface Migration {
  version: number;
  name: string;
  /** The statements, in order; each is one SQL command (PGlite's `query` takes one at a time). */
  up(t: Tables): string[];
}

/**
 * Every migration, oldest first. Times are BIGINT milliseconds, as the store interfaces use them. Text keys
 * use the "C" collation: byte order, no locale, fastest for equality and the same on every server.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: (t) => [
      `CREATE TABLE ${t.apiKeys} (
        id text COLLATE "C" PRIMARY KEY,
        owner_id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        prefix text NOT NULL,
        scopes text[] NOT NULL,
        hash text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        revoked_at bigint,
        last_used_at bigint,
        rolled_from text COLLATE "C"
      )`,
      `CREATE INDEX api_keys_owner_idx ON ${t.apiKeys} (owner_id, created_at DESC, id DESC)`,

      `CREATE TABLE ${t.refreshFamilies} (
        id text COLLATE "C" PRIMARY KEY,
        subject text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        revoked_at bigint,
        data jsonb NOT NULL
      )`,
      `CREATE INDEX refresh_families_subject_idx ON ${t.refreshFamilies} (subject)`,
      `CREATE INDEX refresh_families_expires_idx ON ${t.refreshFamilies} (expires_at)`,
      `CREATE TABLE ${t.refreshTokens} (
        hash text COLLATE "C" PRIMARY KEY,
        family_id text COLLATE "C" NOT NULL REFERENCES ${t.refreshFamilies} (id) ON DELETE CASCADE,
        expires_at bigint NOT NULL,
        spent_at bigint
      )`,
      `CREATE INDEX refresh_tokens_family_idx ON ${t.refreshTokens} (family_id)`,

      `CREATE TABLE ${t.revocations} (
        kind text NOT NULL CHECK (kind IN ('token', 'session', 'subject')),
        id text COLLATE "C" NOT NULL,
        issued_before bigint,
        expires_at bigint NOT NULL,
        PRIMARY KEY (kind, id)
      )`,
      `CREATE INDEX revocations_expires_idx ON ${t.revocations} (expires_at)`,

      `CREATE TABLE ${t.sessions} (
        id_hash text COLLATE "C" PRIMARY KEY,
        subject text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        absolute_expires_at bigint NOT NULL,
        idle_expires_at bigint NOT NULL,
        data jsonb NOT NULL
      )`,
      `CREATE INDEX sessions_subject_idx ON ${t.sessions} (subject)`,

      `CREATE TABLE ${t.keyring} (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        revision bigint NOT NULL,
        snapshot jsonb NOT NULL,
        updated_at bigint NOT NULL
      )`,

      // Column order and names are rate-limiter-flexible's (RateLimiterPostgres inserts positionally);
      // the key is text rather than its varchar(255), so a long e-mail address under a prefix still fits.
      `CREATE TABLE ${t.rateLimits} (
        key text COLLATE "C" PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`,
      `CREATE INDEX rate_limits_expire_idx ON ${t.rateLimits} (expire)`,
    ],
  },
  {
    version: 2,
    name: 'oauth-states',
    // Spent OAuth sign-in states: the key is core's hash of the provider and state, never the state.
    up: (t) => [
      `CREATE TABLE ${t.oauthStates} (
        key text COLLATE "C" PRIMARY KEY,
        expires_at bigint NOT NULL
      )`,
      `CREATE INDEX oauth_states_expires_idx ON ${t.oauthStates} (expires_at)`,
    ],
  },
  {
    version: 3,
    name: 'one-time-tokens-and-identities',
    up: (t) => [
      // Mailed tokens, by their SHA-256 only. One row per subject and purpose: issuing is an upsert on
      // that pair, so a newer mail's token replaces the older one in the same statement. No CHECK on
      // purpose: a purpose core adds later needs no migration. The unique index also serves revokeSubject.
      `CREATE TABLE ${t.oneTimeTokens} (
        hash text COLLATE "C" PRIMARY KEY,
        purpose text COLLATE "C" NOT NULL,
        subject text COLLATE "C" NOT NULL,
        email text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        UNIQUE (subject, purpose)
      )`,
      `CREATE INDEX one_time_tokens_expires_idx ON ${t.oneTimeTokens} (expires_at)`,

      // Sign-in identities at OAuth / OpenID providers; they never expire.
      `CREATE TABLE ${t.identities} (
        issuer text COLLATE "C" NOT NULL,
        subject text COLLATE "C" NOT NULL,
        user_id text COLLATE "C" NOT NULL,
        provider text NOT NULL,
        email text NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (issuer, subject)
      )`,
      `CREATE INDEX identities_user_idx ON ${t.identities} (user_id, created_at)`,
    ],
  },
  {
    version: 4,
    name: 'mfa',
    up: (t) => [
      // Second factors: one document per user (secrets sealed, recovery codes hashed), changed only by
      // compare-and-set on `version`. They never expire.
      `CREATE TABLE ${t.mfaFactors} (
        user_id text COLLATE "C" PRIMARY KEY,
        version integer NOT NULL CHECK (version > 0),
        data jsonb NOT NULL,
        updated_at bigint NOT NULL
      )`,

      // Single-use values of MFA ceremonies (a pending login's mfa_token, WebAuthn challenges), keyed by
      // core's hash only; spent by one DELETE … RETURNING, purged by purgeExpired once expired.
      `CREATE TABLE ${t.mfaChallenges} (
        key text COLLATE "C" PRIMARY KEY,
        value text NOT NULL,
        expires_at bigint NOT NULL
      )`,
      `CREATE INDEX mfa_challenges_expires_idx ON ${t.mfaChallenges} (expires_at)`,
    ],
  },
];

/** The version a fully migrated schema is at. */
export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
