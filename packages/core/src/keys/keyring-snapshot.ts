import { isSigningAlgorithm } from './algorithms.js';
import type { JsonWebKey } from './jwk.js';
import type { KeyringSnapshot, SealedKeyringSnapshot, StoredKeyTimes } from './keyring-store.js';
import { type SealedSecret, SealedSecretError, type SecretSealer } from './secret-sealer.js';
import { importSigningKey, type SigningKey } from './signing-key.js';

/** One key of a keyring and when it signs and verifies (ms since the epoch). */
export interface KeyringEntry {
  readonly key: SigningKey;
  /** When it starts signing: a scheduled rotation publishes the key in the JWKS before this. */
  readonly activatesAt: number;
  /** When it stops verifying, or `null` while nothing has replaced it (and for keys from configuration). */
  readonly retiresAt: number | null;
}

/** A stored keyring that cannot be used. Start-up stops on it: keys are never silently regenerated. */
export class KeyringSnapshotError extends Error {
  override readonly name = 'KeyringSnapshotError';
}

export interface OpenedKeyring {
  revision: number;
  entries: KeyringEntry[];
  /** Why the stored form should be written again: it is in the clear, or sealed under a previous KEK. */
  rewrite: 'was_plaintext' | 'previous_kek' | undefined;
}

/** What a sealed private key is bound to: its kid, so that a sealed key copied under another kid fails to open. */
export function sealedKeyContext(kid: string): string {
  return `portcullis.keyring.key:${kid}`;
}

const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function timesOf(stored: StoredKeyTimes, index: number): { activatesAt: number; retiresAt: number | null } {
  if (typeof stored !== 'object' || stored === null)
    throw new KeyringSnapshotError(`the stored keyring's key #${index} is not an object`);
  const { createdAt, activatesAt, retiresAt } = stored;
  if (!isTime(createdAt) || !(activatesAt === undefined || isTime(activatesAt)))
    throw new KeyringSnapshotError(`the stored keyring's key #${index} has malformed times`);
  if (!(retiresAt === null || isTime(retiresAt)))
    throw new KeyringSnapshotError(`the stored keyring's key #${index} has a malformed retiresAt`);
  return { activatesAt: activatesAt ?? createdAt, retiresAt };
}

async function importStored(jwk: unknown, createdAt: number, what: string): Promise<SigningKey> {
  try {
    return await importSigningKey(jwk as JsonWebKey, { createdAt });
  } catch (error) {
    throw new KeyringSnapshotError(`${what} is not a usable signing key (${(error as Error).message})`);
  }
}

async function openSealedKey(
  stored: SealedKeyringSnapshot['keys'][number],
  index: number,
  sealer: SecretSealer,
): Promise<{ key: SigningKey; sealedUnderPreviousKey: boolean }> {
  const kid = stored?.kid;
  if (typeof kid !== 'string' || !THUMBPRINT.test(kid) || !isSigningAlgorithm(stored.alg))
    throw new KeyringSnapshotError(`the stored keyring's key #${index} has a malformed kid or alg`);
  let opened: ReturnType<SecretSealer['open']>;
  try {
    opened = sealer.open(stored.sealedJwk, sealedKeyContext(kid));
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    throw new KeyringSnapshotError(`the stored signing key ${kid} cannot be opened: ${error.message}`, {
      cause: error,
    });
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(opened.secret.toString('utf8'));
  } catch {
    throw new KeyringSnapshotError(`the stored signing key ${kid} does not hold a JWK`);
  }
  const key = await importStored(jwk, stored.createdAt, `the stored signing key ${kid}`);
  // Belt and braces behind the associated data: what opened must be the very key the entry names.
  if (key.kid !== kid || key.alg !== stored.alg)
    throw new KeyringSnapshotError(`the stored signing key ${kid} holds another key than its kid names`);
  return { key, sealedUnderPreviousKey: opened.sealedUnderPreviousKey };
}

/**
 * Reads a stored keyring: a `portcullis.keyring.v1` snapshot (private JWKs in the clear) or a
 * `portcullis.keyring.v2` one (each private JWK sealed under a key-encryption key). Throws
 * `KeyringSnapshotError`, naming the problem, for anything it cannot fully open and check.
 * Envelopes sealed under the current KEK are remembered in `sealedCache` so they are written back unchanged.
 */
export async function openKeyringSnapshot(
  snapshot: KeyringSnapshot | null | undefined,
  sealer: SecretSealer | undefined,
  sealedCache: WeakMap<SigningKey, SealedSecret>,
): Promise<OpenedKeyring> {
  const format = snapshot?.format;
  if (format !== 'portcullis.keyring.v1' && format !== 'portcullis.keyring.v2')
    throw new KeyringSnapshotError('the stored keyring is not a portcullis.keyring.v1 or v2 snapshot');
  const { revision, keys } = snapshot!;
  if (!Number.isSafeInteger(revision) || revision < 1 || !Array.isArray(keys) || keys.length === 0)
    throw new KeyringSnapshotError('the stored keyring has a malformed revision or no keys');
  let rewrite: OpenedKeyring['rewrite'];
  let entries: KeyringEntry[];
  if (format === 'portcullis.keyring.v1') {
    if (sealer !== undefined) rewrite = 'was_plaintext';
    entries = await Promise.all(
      (keys as Array<StoredKeyTimes & { jwk: JsonWebKey }>).map(async (stored, index) => {
        const times = timesOf(stored, index);
        return {
          key: await importStored(stored.jwk, stored.createdAt, `the stored keyring's key #${index}`),
          ...times,
        };
      }),
    );
  } else {
    if (sealer === undefined) {
      throw new KeyringSnapshotError(
        'the stored keyring is encrypted: configure keyEncryptionKey (the key-encryption key it was sealed under)',
      );
    }
    entries = await Promise.all(
      (keys as SealedKeyringSnapshot['keys']).map(async (stored, index) => {
        const times = timesOf(stored, index);
        const { key, sealedUnderPreviousKey } = await openSealedKey(stored, index, sealer);
        if (sealedUnderPreviousKey) rewrite = 'previous_kek';
        else sealedCache.set(key, Object.freeze({ ...stored.sealedJwk }));
        return { key, ...times };
      }),
    );
  }
  if (new Set(entries.map((e) => e.key.kid)).size !== entries.length)
    throw new KeyringSnapshotError('the stored keyring holds the same key twice');
  if (!entries.some((e) => e.retiresAt === null))
    throw new KeyringSnapshotError('the stored keyring has no key that stays in service (every key retires)');
  return { revision, entries: entries.map((e) => Object.freeze(e)), rewrite };
}

/**
 * The persisted form of `entries`: sealed (`portcullis.keyring.v2`) when a sealer is given, otherwise in
 * the clear (`portcullis.keyring.v1`). A key already sealed under the current KEK keeps its envelope.
 */
export function toKeyringSnapshot(
  revision: number,
  entries: readonly KeyringEntry[],
  sealer: SecretSealer | undefined,
  sealedCache: WeakMap<SigningKey, SealedSecret>,
): KeyringSnapshot {
  if (sealer === undefined) {
    return {
      format: 'portcullis.keyring.v1',
      revision,
      keys: entries.map((e) => ({
        jwk: e.key.exportPrivateJwk(),
        createdAt: e.key.createdAt,
        activatesAt: e.activatesAt,
        retiresAt: e.retiresAt,
      })),
    };
  }
  return {
    format: 'portcullis.keyring.v2',
    revision,
    keys: entries.map((e) => {
      let sealed = sealedCache.get(e.key);
      if (sealed === undefined || sealed.kek !== sealer.kekId) {
        sealed = Object.freeze(
          sealer.seal(JSON.stringify(e.key.exportPrivateJwk()), sealedKeyContext(e.key.kid)),
        );
        sealedCache.set(e.key, sealed);
      }
      return {
        kid: e.key.kid,
        alg: e.key.alg,
        createdAt: e.key.createdAt,
        activatesAt: e.activatesAt,
        retiresAt: e.retiresAt,
        sealedJwk: { ...sealed },
      };
    }),
  };
}
