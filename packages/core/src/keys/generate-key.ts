import { exportJWK, generateKeyPair, generateSecret } from 'jose';
import { optionError } from '../lib/option-error.js';
import { isSigningAlgorithm, type SigningAlgorithm } from './algorithms.js';
import type { JsonWebKey } from './jwk.js';
import { importSigningKey, type SigningKey } from './signing-key.js';

/**
 * Generates a new signing key: Ed25519 for EdDSA (the default), P-256 for ES256, a 2048-bit RSA key for RS256,
 * or a 256-bit random secret for HS256.
 *
 * @example const key = await generateSigningKey('ES256');
 */
export async function generateSigningKey(
  alg: SigningAlgorithm = 'EdDSA',
  options: { createdAt?: number } = {},
): Promise<SigningKey> {
  if (!isSigningAlgorithm(alg))
    throw optionError(
      'generateSigningKey(alg)',
      `${JSON.stringify(alg)} is not a supported signing algorithm`,
      "use 'EdDSA', 'ES256', 'RS256' or 'HS256'",
    );
  let jwk: JsonWebKey;
  if (alg === 'HS256') {
    jwk = (await exportJWK(await generateSecret('HS256', { extractable: true }))) as JsonWebKey;
  } else {
    const pair = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    jwk = (await exportJWK(pair.privateKey)) as JsonWebKey;
  }
  return importSigningKey(jwk, {
    alg,
    ...(options.createdAt === undefined ? {} : { createdAt: options.createdAt }),
  });
}
