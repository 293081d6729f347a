import { createPrivateKey } from 'node:crypto';
import { optionError } from '../lib/option-error.js';
import type { SigningAlgorithm } from './algorithms.js';
import type { JsonWebKey } from './jwk.js';
import { importSigningKey, type SigningKey } from './signing-key.js';

/**
 * Imports a PKCS#8 (or PKCS#1/SEC1) private key in PEM form as a signing key pinned to `alg`.
 *
 * @example const key = await importPemSigningKey(readFileSync('key.pem', 'utf8'), 'RS256');
 */
export async function importPemSigningKey(
  pem: string,
  alg: Exclude<SigningAlgorithm, 'HS256'>,
): Promise<SigningKey> {
  let jwk: JsonWebKey;
  try {
    jwk = createPrivateKey(pem).export({ format: 'jwk' }) as JsonWebKey;
  } catch {
    throw optionError(
      'importPemSigningKey(pem)',
      'is not a private key',
      'pass PEM text starting "-----BEGIN PRIVATE KEY-----"',
    );
  }
  return importSigningKey(jwk, { alg });
}
