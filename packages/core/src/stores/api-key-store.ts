/** A stored API key. The secret itself is never stored: only its keyed hash. */
export interface ApiKeyRecord {
  /** Public key id, taken from the key string; the lookup key. */
  id: string;
  /** The user or service that owns the key. */
  ownerId: string;
  name: string;
  /** The key's visible prefix, e.g. `pc_live`. */
  prefix: string;
  scopes: string[];
  /** HMAC-SHA-256 of the full key under the server's pepper, base64url. */
  hash: string;
  /** ms since the epoch. */
  createdAt: number;
  /** ms since the epoch, or `null` for a key that does not expire. Rolling a key sets this to the end of its grace. */
  expiresAt: number | null;
  revokedAt: number | null;
  /** Last successful use (ms), written at most once per throttle interval. */
  lastUsedAt: number | null;
  /** The key this one replaced by rolling, if any. */
  rolledFrom: string | null;
}

/** The fields of an API key that change after creation. */
export type ApiKeyPatch = Partial<Pick<ApiKeyRecord, 'expiresAt' | 'revokedAt' | 'lastUsedAt'>>;

/**
 * Storage of API keys.
 *
 * Contract: `findById` is the hot path (one indexed lookup). `update` applies only the given fields and
 * resolves `false` when the key does not exist. Records are kept after revocation or expiry so that a
 * listing can show them; deleting them is the application's choice.
 */
export interface ApiKeyStore {
  create(record: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | null>;
  /** Every key of an owner, newest first. */
  listByOwner(ownerId: string): Promise<ApiKeyRecord[]>;
  update(id: string, patch: ApiKeyPatch): Promise<boolean>;
}
