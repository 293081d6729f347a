import { optionError } from '../lib/option-error.js';
import { hmacSecretBytes } from './hmac-secret.js';
import { importSigningKey, type SigningKey } from './signing-key.js';

/**
 * Imports an HMAC secret (text or bytes) as an HS256 key. Refuses, with a `TypeError` explaining how to
 * generate a good one, a secret under 32 bytes, a well-known placeholder, or one of low entropy.
 *
 * @example const key = await importHmacSecret(process.env.JWT_SECRET!);
 */
export async function importHmacSecret(secret: string | Uint8Array): Promise<SigningKey> {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw optionError(
      'importHmacSecret(secret)',
      `must be a string or a Uint8Array, not ${typeof secret}`,
      'pass the secret, such as process.env.JWT_SECRET',
    );
  }
  const bytes = hmacSecretBytes(secret);
  return importSigningKey({ kty: 'oct', k: Buffer.from(bytes).toString('base64url') }, { alg: 'HS256' });
}
