import { createHash } from 'node:crypto';

/**
 * SHA-256 of a high-entropy secret (refresh token, session id), base64url. Such secrets carry 256 bits of
 * randomness, so a fast hash is enough: a leaked table of hashes cannot be turned back into credentials.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
