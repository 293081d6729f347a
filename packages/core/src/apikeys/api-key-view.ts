import type { ApiKeyRecord } from '../stores/api-key-store.js';
import type { Principal } from '../tokens/principal.js';

/**
 * What may be shown about a stored key: never its hash, and never the key itself (that is returned once,
 * by `create` and `roll`). Dates serialise to ISO 8601 strings with `JSON.stringify`.
 */
export interface ApiKeyView {
  readonly id: string;
  readonly prefix: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  /** `null` when the key does not expire. A rolled key's expiry is the end of its grace. */
  readonly expiresAt: Date | null;
  /** Last successful use, updated at most once per `lastUsedThrottle`. */
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
  /** The id of the key this one replaced by `roll`, if any. */
  readonly rolledFrom: string | null;
}

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The public view of a stored record (an explicit copy of named fields, so a new record field never leaks). */
export function toApiKeyView(record: ApiKeyRecord): ApiKeyView {
  return Object.freeze({
    id: record.id,
    prefix: record.prefix,
    name: record.name,
    scopes: Object.freeze([...record.scopes]),
    createdAt: new Date(record.createdAt),
    expiresAt: dateOrNull(record.expiresAt),
    lastUsedAt: dateOrNull(record.lastUsedAt),
    revokedAt: dateOrNull(record.revokedAt),
    rolledFrom: record.rolledFrom,
  });
}

/** The principal of a verified key: the owner as subject, the key's scopes, no roles (keys act with scopes only). */
export function apiKeyPrincipal(record: ApiKeyRecord): Principal {
  return Object.freeze({
    subject: record.ownerId,
    roles: Object.freeze([]),
    scopes: Object.freeze([...record.scopes]),
    claims: Object.freeze({
      key_id: record.id,
      name: record.name,
      prefix: record.prefix,
      created_at: Math.floor(record.createdAt / 1000),
    }),
    tokenId: record.id,
    expiresAt: record.expiresAt === null ? undefined : new Date(record.expiresAt),
  });
}
