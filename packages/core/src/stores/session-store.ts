/** A server-side session. Its id is never stored: only its hash. */
export interface SessionRecord {
  /** SHA-256 of the session id, base64url. */
  idHash: string;
  subject: string;
  /** ms since the epoch. */
  createdAt: number;
  /** The session ends at this time (ms) whatever its activity: the absolute timeout. */
  absoluteExpiresAt: number;
  /** The session ends at this time (ms) unless used again: the idle timeout, pushed forward on use. */
  idleExpiresAt: number;
  /** Application data (roles, authentication method…). Never secret. */
  data: Record<string, unknown>;
}

/**
 * Storage of server-side sessions.
 *
 * Contract: `get` returns `null` for a session past either expiry, as if it did not exist. Networked stores
 * set a TTL of `min(idleExpiresAt, absoluteExpiresAt)` so that dead sessions disappear by themselves.
 */
export interface SessionStore {
  create(record: SessionRecord): Promise<void>;
  get(idHash: string, now: number): Promise<SessionRecord | null>;
  /** Pushes the idle expiry forward. Resolves `false` when the session no longer exists. */
  touch(idHash: string, idleExpiresAt: number): Promise<boolean>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of a subject ("log out everywhere"). */
  deleteBySubject(subject: string): Promise<void>;
}
