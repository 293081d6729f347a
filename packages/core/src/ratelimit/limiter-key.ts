import { createHash } from 'node:crypto';

/**
 * The key a counter is stored under: the first 128 bits of SHA-256 of `value`, base64url. Keys thus have a
 * fixed length whatever the client sent (a megabyte "e-mail" costs 22 bytes), the store holds no e-mail or
 * address in clear, and — base64url having no `:` — two distinct `keyPrefix`es can never produce the same
 * stored `prefix:key`.
 */
export function limiterKey(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest().subarray(0, 16).toString('base64url');
}
