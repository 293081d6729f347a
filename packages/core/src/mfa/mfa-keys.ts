import { createHmac, hkdfSync } from 'node:crypto';
import { createSecretSealer, type SecretSealer } from '../keys/secret-sealer.js';

/** Keys of the second factors, each derived (HKDF) for its own purpose from the server secret (the API-key pepper). */
export interface MfaKeys {
  /** Seals TOTP secrets at rest (AES-256-GCM); opens those sealed under a previous secret too. */
  readonly sealer: SecretSealer;
  /** Keyed hash of a recovery code, base64url: a copied table of them cannot be tried offline. */
  recoveryCodeHash(normalisedCode: string): string;
}

function derive(secret: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'portcullis', purpose, 32));
}

/**
 * The keys of the second factors, from the server secret every instance shares and that is kept outside
 * the database: a dump of the factor table alone reveals neither a TOTP secret nor a recovery code.
 */
export function createMfaKeys(secret: Uint8Array, previousSecrets: readonly Uint8Array[] = []): MfaKeys {
  const sealer = createSecretSealer({
    keyEncryptionKey: derive(secret, 'portcullis mfa secret sealing v1'),
    previousKeyEncryptionKeys: previousSecrets.map((previous) =>
      derive(previous, 'portcullis mfa secret sealing v1'),
    ),
  });
  const codeKey = derive(secret, 'portcullis recovery code v1');
  return Object.freeze({
    sealer,
    recoveryCodeHash: (code: string) =>
      createHmac('sha256', codeKey).update(code, 'utf8').digest('base64url'),
  });
}
