import type { SigningAlgorithm } from './algorithms.js';
import type { JsonWebKey } from './jwk.js';
import type { SealedSecret } from './secret-sealer.js';

/** When a stored key signs and verifies (ms since the epoch). */
export interface StoredKeyTimes {
  createdAt: number;
  /** When it starts signing (a scheduled rotation publishes a key ahead of this). Absent in older snapshots: `createdAt`. */
  activatesAt?: number;
  /** When it stops verifying, or `null` while nothing replaced it. */
  retiresAt: number | null;
}

/**
 * A keyring stored without a key-encryption key: private JWKs in the clear. Only written when no
 * `keyEncryptionKey` is configured (refused when `NODE_ENV=production`); store it as a secret.
 */
export interface PlainKeyringSnapshot {
  format: 'portcullis.keyring.v1';
  /** Increases by one with every change; used for compare-and-set between instances. */
  revision: number;
  /** Newest first. The newest key that has activated signs; the others only verify until `retiresAt`. */
  keys: Array<StoredKeyTimes & { jwk: JsonWebKey }>;
}

/**
 * A keyring whose private keys are sealed under a key-encryption key (AES-256-GCM; the associated data
 * binds each sealed key to its `kid`). Everything outside `sealedJwk` is public.
 */
export interface SealedKeyringSnapshot {
  format: 'portcullis.keyring.v2';
  revision: number;
  keys: Array<
    StoredKeyTimes & {
      /** The RFC 7638 thumbprint of the sealed key: checked again once it is opened. */
      kid: string;
      alg: SigningAlgorithm;
      activatesAt: number;
      /** The private JWK as JSON, sealed for context `portcullis.keyring.key:<kid>`. */
      sealedJwk: SealedSecret;
    }
  >;
}

/** The persisted form of a keyring. A store keeps it as opaque JSON and compares only `revision`. */
export type KeyringSnapshot = PlainKeyringSnapshot | SealedKeyringSnapshot;

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
