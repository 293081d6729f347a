import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { optionError } from '../lib/option-error.js';
import { importKeyEncryptionKey, KEK_SECRET, type KeyEncryptionKey } from './key-encryption-key.js';

/** The envelope's format and version: bound into the associated data, so a future version can never be misread as this one. */
export const SEALED_SECRET_FORMAT = 'portcullis.sealed.v1';

/**
 * A secret encrypted under a key-encryption key (AES-256-GCM, a random 96-bit IV per sealing), as JSON.
 * Every member but the ciphertext is public; altering any of them, or opening it for another `context`,
 * fails authentication.
 */
export interface SealedSecret {
  /** Format and version of this envelope. */
  v: typeof SEALED_SECRET_FORMAT;
  /** Content encryption (JWA name): AES-256 in Galois/Counter Mode. */
  enc: 'A256GCM';
  /** The `id` of the key-encryption key it is sealed under. */
  kek: string;
  /** 12-byte IV, base64url. */
  iv: string;
  /** Ciphertext, base64url. */
  ct: string;
  /** 16-byte authentication tag, base64url. */
  tag: string;
}

export interface OpenedSecret {
  readonly secret: Buffer;
  /** Sealed under one of `previousKeyEncryptionKeys`: seal it again under the current key and store that. */
  readonly sealedUnderPreviousKey: boolean;
}

/** Why a sealed secret did not open. Its message names the problem, never the secret or a key. */
export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
  constructor(
    readonly reason: 'malformed' | 'unknown_key' | 'tampered',
    message: string,
  ) {
    super(message);
  }
}

export interface SecretSealerOptions {
  /** 32 random bytes, base64url or raw: secrets are sealed under this key. */
  keyEncryptionKey: string | Uint8Array;
  /** Former keys, still accepted to open what was sealed under them (see `sealedUnderPreviousKey`). */
  previousKeyEncryptionKeys?: readonly (string | Uint8Array)[];
}

/** Seals secrets for storage and opens them again. */
export interface SecretSealer {
  /** The `id` of the current key-encryption key. */
  readonly kekId: string;
  /**
   * Encrypts `secret` under the current key. `context` names what the secret is for (e.g. `"app.api-key-pepper"`)
   * and is authenticated, not stored: a sealed secret copied to another purpose fails to open.
   */
  seal(secret: string | Uint8Array, context: string): SealedSecret;
  /** Decrypts a stored envelope (parsed JSON) for `context`. Throws `SealedSecretError` when it cannot. */
  open(sealed: unknown, context: string): OpenedSecret;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEK_ID = /^[A-Za-z0-9_-]{8}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function associatedData(kekId: string, context: string): Buffer {
  // The format and the KEK id have fixed alphabets without a newline, so the context is unambiguous after them.
  return Buffer.from(`${SEALED_SECRET_FORMAT}\n${kekId}\n${context}`, 'utf8');
}

function assertContext(context: unknown): asserts context is string {
  if (typeof context !== 'string' || context.length === 0)
    throw optionError(
      'sealer context',
      'must be a non-empty string',
      "name what the secret is for, such as 'oauth:client-secret'",
    );
}

function decoded(value: unknown, bytes?: number): Buffer | undefined {
  if (typeof value !== 'string' || !BASE64URL.test(value)) return undefined;
  const buffer = Buffer.from(value, 'base64url');
  return bytes === undefined || buffer.length === bytes ? buffer : undefined;
}

function seal(kek: KeyEncryptionKey, secret: string | Uint8Array, context: string): SealedSecret {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek[KEK_SECRET], iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(kek.id, context));
  const plaintext = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    v: SEALED_SECRET_FORMAT,
    enc: 'A256GCM',
    kek: kek.id,
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

/** Whether `value` has the shape of a sealed secret (of any version): a stored value that must be opened, not used. */
export function looksSealed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { v?: unknown }).v === 'string';
}

/**
 * Creates a sealer: secrets at rest (private signing keys, a pepper kept in a database) encrypted with
 * AES-256-GCM under a key-encryption key held outside the store. Keys are checked here, at construction,
 * with a `TypeError` naming the option and never repeating its value.
 *
 * @example
 * const sealer = createSecretSealer({ keyEncryptionKey: process.env.KEYRING_KEK! });
 * const stored = JSON.stringify(sealer.seal(pepper, 'demo.api-key-pepper'));
 * const { secret } = sealer.open(JSON.parse(stored), 'demo.api-key-pepper');
 */
export function createSecretSealer(options: SecretSealerOptions): SecretSealer {
  if (typeof options !== 'object' || options === null)
    throw optionError('createSecretSealer(options)', 'must be an object', 'pass { keyEncryptionKey }');
  const current = importKeyEncryptionKey(options.keyEncryptionKey, 'keyEncryptionKey');
  const previousValues = options.previousKeyEncryptionKeys ?? [];
  if (!Array.isArray(previousValues))
    throw optionError('previousKeyEncryptionKeys', 'must be an array', 'pass [oldKey], or omit it');
  const previous = previousValues.map((value, i) =>
    importKeyEncryptionKey(value, `previousKeyEncryptionKeys[${i}]`),
  );
  const byId = new Map<string, KeyEncryptionKey>();
  for (const kek of [...previous].reverse()) byId.set(kek.id, kek);
  byId.set(current.id, current);

  return Object.freeze({
    kekId: current.id,
    seal(secret: string | Uint8Array, context: string) {
      assertContext(context);
      if (typeof secret !== 'string' && !(secret instanceof Uint8Array))
        throw optionError(
          'sealer.seal().secret',
          `must be a string or a Uint8Array, not ${typeof secret}`,
          'pass the secret itself',
        );
      return seal(current, secret, context);
    },
    open(sealed: unknown, context: string) {
      assertContext(context);
      const envelope = (typeof sealed === 'object' && sealed !== null ? sealed : {}) as Partial<SealedSecret>;
      if (envelope.v !== SEALED_SECRET_FORMAT || envelope.enc !== 'A256GCM')
        throw new SealedSecretError('malformed', `not a ${SEALED_SECRET_FORMAT} (A256GCM) sealed secret`);
      const iv = decoded(envelope.iv, IV_BYTES);
      const tag = decoded(envelope.tag, TAG_BYTES);
      const ct = decoded(envelope.ct);
      if (iv === undefined || tag === undefined || ct === undefined || typeof envelope.kek !== 'string')
        throw new SealedSecretError('malformed', 'the sealed secret has a malformed iv, tag, ct or kek');
      // Only a well-formed id is ever repeated in a message: it is read from storage.
      if (!KEK_ID.test(envelope.kek))
        throw new SealedSecretError('malformed', 'the sealed secret names a malformed key-encryption key id');
      const kek = byId.get(envelope.kek);
      if (kek === undefined) {
        throw new SealedSecretError(
          'unknown_key',
          `sealed under a key-encryption key that is not configured (id ${envelope.kek}); set it as keyEncryptionKey or list it in previousKeyEncryptionKeys`,
        );
      }
      const decipher = createDecipheriv('aes-256-gcm', kek[KEK_SECRET], iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(kek.id, context));
      decipher.setAuthTag(tag);
      let secret: Buffer;
      try {
        secret = Buffer.concat([decipher.update(ct), decipher.final()]);
      } catch {
        throw new SealedSecretError(
          'tampered',
          `the sealed secret failed authentication under key-encryption key ${kek.id}: it was altered, or it was sealed for a purpose other than "${context}"`,
        );
      }
      return { secret, sealedUnderPreviousKey: kek !== current };
    },
  });
}
