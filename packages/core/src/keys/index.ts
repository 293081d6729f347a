export type { JwsAlgorithm, SigningAlgorithm } from './algorithms.js';
export { JWS_ALGORITHMS, SIGNING_ALGORITHMS } from './algorithms.js';
export { generateSigningKey } from './generate-key.js';
export { assertStrongHmacSecret } from './hmac-secret.js';
export { importHmacSecret } from './import-hmac-secret.js';
export { importPemSigningKey } from './import-pem.js';
export { importSigningKeySet } from './import-signing-key-set.js';
export type { JsonWebKey, JsonWebKeySet, PublicJwk } from './jwk.js';
export { toPublicJwk } from './jwk.js';
export type { KeyEncryptionKey } from './key-encryption-key.js';
export { generateKeyEncryptionKey, importKeyEncryptionKey } from './key-encryption-key.js';
export type { JwsHeader, KeySource, VerificationKey } from './key-source.js';
export type { Keyring, KeyringEvent, KeyringOptions } from './keyring.js';
export { createKeyring } from './keyring.js';
export type { KeyringEntry } from './keyring-snapshot.js';
export { KeyringSnapshotError } from './keyring-snapshot.js';
export type {
  KeyringSnapshot,
  KeyringStore,
  PlainKeyringSnapshot,
  SealedKeyringSnapshot,
  StoredKeyTimes,
} from './keyring-store.js';
export { createMemoryKeyringStore } from './keyring-store.js';
export type { RemoteKeySetOptions } from './remote-key-set.js';
export { createRemoteKeySet } from './remote-key-set.js';
export type { KeyRotationOptions } from './rotation-schedule.js';
export type { OpenedSecret, SealedSecret, SecretSealer, SecretSealerOptions } from './secret-sealer.js';
export { createSecretSealer, SEALED_SECRET_FORMAT, SealedSecretError } from './secret-sealer.js';
export type { ImportKeyOptions, SigningKey } from './signing-key.js';
export { importSigningKey } from './signing-key.js';
