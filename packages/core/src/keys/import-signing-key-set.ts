import { optionError } from '../lib/option-error.js';
import { importSigningKey, type SigningKey } from './signing-key.js';

/**
 * Parses a JWK Set of private signing keys from configuration (such as the contract's `SIGNING_KEYS`
 * environment variable). Every key must name its `alg`; the first one signs.
 *
 * @example const keys = await importSigningKeySet(process.env.SIGNING_KEYS!);
 */
export async function importSigningKeySet(json: string | { keys: unknown }): Promise<SigningKey[]> {
  let parsed: unknown;
  try {
    parsed = typeof json === 'string' ? JSON.parse(json) : json;
  } catch {
    throw optionError('importSigningKeySet(json)', 'is not JSON', 'pass a JWK Set: {"keys":[…]}');
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw optionError(
      'importSigningKeySet(json)',
      'is not a non-empty JWK Set',
      'pass {"keys":[…]} with at least one private JWK',
    );
  return Promise.all(
    keys.map((jwk, index) =>
      importSigningKey(jwk).catch((error: unknown) => {
        throw optionError(
          `importSigningKeySet(json).keys[${index}]`,
          (error as Error).message,
          'fix or remove that key (the first key of the set signs)',
        );
      }),
    ),
  );
}
