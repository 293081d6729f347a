import type { JsonWebKey } from './jwk.js';

/** The persisted form of a keyring. Contains private keys: store it as a secret. */
export interface KeyringSnapshot {
  format: 'portcullis.keyring.v1';
  /** Increases by one with every change; used for compare-and-set between instances. */
  revision: number;
  /** The first key signs; the others only verify until `retiresAt`. */
  keys: Array<{ jwk: JsonWebKey; createdAt: number; retiresAt: number | null }>;
}

/**
 * Persists a keyring so keys survive restarts and are shared by every instance.
 *
 * Contract: `save` is an atomic compare-and-set — it stores `snapshot` only if the stored revision equals
 * `expectedRevision` (0 meaning nothing stored yet) and returns `false` otherwise, so two instances that
 * start or rotate at the same moment never overwrite each other's keys.
 */
export interface KeyringStore {
  load(): Promise<KeyringSnapshot | null>;
  save(snapshot: KeyringSnapshot, expectedRevision: number): Promise<boolean>;
}

/** An in-memory `KeyringStore`, for tests and single-process use. */
export function createMemoryKeyringStore(): KeyringStore {
  let stored: KeyringSnapshot | null = null;
  return {
    async load() {
      return stored === null ? null : structuredClone(stored);
    },
    async save(snapshot, expectedRevision) {
      if ((stored?.revision ?? 0) !== expectedRevision) return false;
      stored = structuredClone(snapshot);
      return true;
    },
  };
}
