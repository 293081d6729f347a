import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { optionError } from '../lib/option-error.js';
import { estimatedEntropyBits } from './hmac-secret.js';

const KEK_BYTES = 32;
const KEK_TEXT = /^[A-Za-z0-9_-]{43}$/;
const GENERATE_HINT =
  "Generate one with: node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64url'))\"";
/** 32 random bytes score about 150 bits by this estimate; a repeated or counting pattern far less. */
const MIN_ENTROPY_BITS = 128;

/** The AES key itself, reachable only through this symbol so that logging or serialising a KEK shows nothing secret. */
export const KEK_SECRET: unique symbol = Symbol('portcullis.kekSecret');

/** A validated key-encryption key (KEK). `JSON.stringify` and `console.log` show only its `id`. */
export interface KeyEncryptionKey {
  /**
   * A short public name for this KEK, recorded beside everything sealed under it so that opening picks the
   * right key without trial decryption. An HMAC of a fixed label under the KEK: it reveals nothing of it.
   */
  readonly id: string;
  readonly [KEK_SECRET]: KeyObject;
}

function kekBytes(value: unknown, optionName: string): Uint8Array {
  const expected = () =>
    optionError(
      optionName,
      'must be 32 random bytes, as base64url text (43 characters) or a Uint8Array',
      GENERATE_HINT,
    );
  if (value instanceof Uint8Array) {
    if (value.length !== KEK_BYTES) throw expected();
    return value;
  }
  if (typeof value !== 'string' || !KEK_TEXT.test(value)) throw expected();
  const bytes = Buffer.from(value, 'base64url');
  // The 43rd character carries two spare bits: only the canonical spelling is one key, not four.
  if (bytes.length !== KEK_BYTES || bytes.toString('base64url') !== value) throw expected();
  return bytes;
}

/**
 * Checks and imports a key-encryption key: exactly 32 bytes (AES-256), given as base64url text or raw bytes,
 * and not an obvious non-random pattern. The `TypeError` names `optionName` and never repeats the value.
 *
 * @example const kek = importKeyEncryptionKey(process.env.KEYRING_KEK, 'KEYRING_KEK');
 */
export function importKeyEncryptionKey(value: unknown, optionName = 'keyEncryptionKey'): KeyEncryptionKey {
  const bytes = kekBytes(value, optionName);
  if (estimatedEntropyBits(bytes) < MIN_ENTROPY_BITS) {
    throw optionError(
      optionName,
      'has too little entropy (a repeated or patterned value): it must be 32 random bytes',
      GENERATE_HINT,
    );
  }
  // createSecretKey copies the bytes: a caller zeroing or reusing its buffer changes nothing here.
  const secret = createSecretKey(Buffer.from(bytes));
  const id = createHmac('sha256', secret)
    .update('portcullis key-encryption key id')
    .digest()
    .subarray(0, 6)
    .toString('base64url');
  const kek = {
    id,
    toJSON: () => ({ id }),
    [Symbol.for('nodejs.util.inspect.custom')]: () => `KeyEncryptionKey { id: '${id}' }`,
  };
  Object.defineProperty(kek, KEK_SECRET, { value: secret, enumerable: false });
  return Object.freeze(kek) as unknown as KeyEncryptionKey;
}

/**
 * A new key-encryption key: 32 random bytes as base64url, the form `keyEncryptionKey` and `KEYRING_KEK` take.
 *
 * @example console.log(generateKeyEncryptionKey()); // store it in your secret manager
 */
export function generateKeyEncryptionKey(): string {
  return randomBytes(KEK_BYTES).toString('base64url');
}
