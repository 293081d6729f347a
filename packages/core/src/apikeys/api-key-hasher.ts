import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { assertStrongHmacSecret, GENERATE_HINT, hmacSecretBytes } from '../keys/hmac-secret.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { optionError } from '../lib/option-error.js';

/** Hashes keys under the current pepper and checks them under the current and previous ones. */
export interface ApiKeyHasher {
  /** HMAC-SHA-256 of the full key under the current pepper, base64url: what the store keeps. */
  hash(key: string): string;
  /** Whether `key` hashes to `storedHash` under the current pepper or, failing that, any previous one. */
  matches(key: string, storedHash: string): boolean;
}

function importPepper(pepper: unknown, what: string): KeyObject {
  if (typeof pepper !== 'string' && !(pepper instanceof Uint8Array)) {
    throw optionError(
      `apiKeys.${what}`,
      `must be a string or a Uint8Array, not ${typeof pepper}`,
      GENERATE_HINT,
    );
  }
  const bytes = hmacSecretBytes(pepper);
  try {
    assertStrongHmacSecret(bytes);
  } catch (error) {
    // The weak-secret message already says what to do: split it where its first sentence ends.
    const message = (error as Error).message;
    const end = message.indexOf('; ') >= 0 ? message.indexOf('; ') : message.indexOf('. ');
    throw end < 0
      ? optionError(`apiKeys.${what}`, message, GENERATE_HINT)
      : optionError(`apiKeys.${what}`, message.slice(0, end), message.slice(end + 2));
  }
  // createSecretKey copies the bytes: a caller zeroing or reusing its buffer changes nothing here.
  return createSecretKey(Buffer.from(bytes));
}

/**
 * Keys carry 256 random bits, so a fast keyed hash is enough: no dictionary or brute force can reach them,
 * and the pepper (kept outside the database) makes a stolen table useless on its own. A slow password hash
 * would only turn every API request into a CPU cost.
 */
export function createApiKeyHasher(pepper: unknown, previousPeppers: unknown = []): ApiKeyHasher {
  const current = importPepper(pepper, 'pepper');
  if (!Array.isArray(previousPeppers))
    throw optionError('apiKeys.previousPeppers', 'must be an array', 'pass [oldPepper], or omit it');
  const previous = previousPeppers.map((p, i) => importPepper(p, `previousPeppers[${i}]`));
  const hmac = (secret: KeyObject, key: string) =>
    createHmac('sha256', secret).update(key, 'utf8').digest('base64url');
  return {
    hash: (key) => hmac(current, key),
    matches(key, storedHash) {
      if (constantTimeEqual(hmac(current, key), storedHash)) return true;
      // Only reached on a mismatch, so rotation costs nothing for keys hashed under the current pepper.
      return previous.some((secret) => constantTimeEqual(hmac(secret, key), storedHash));
    },
  };
}
