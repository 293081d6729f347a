import type { RequestHeaders } from './types.js';

const SCHEME_DPOP = 'dpop ';

/**
 * What follows `DPoP ` in the one `Authorization` header (RFC 9449 §7.1), or `null` when the header names
 * another scheme or is absent (the bearer path then reads and refuses it). The scheme is matched
 * case-insensitively; the credential is not yet checked to be a token68.
 */
export function dpopCredential(headers: RequestHeaders): string | null {
  const header = headers['authorization'];
  const value = typeof header === 'string' ? header : header?.length === 1 ? header[0]! : undefined;
  if (value === undefined || value.length <= SCHEME_DPOP.length) return null;
  for (let i = 0; i < SCHEME_DPOP.length; i++) {
    // `| 0x20` lower-cases A–Z and leaves a–z and the space alone.
    if ((value.charCodeAt(i) | 0x20) !== SCHEME_DPOP.charCodeAt(i)) return null;
  }
  return value.slice(SCHEME_DPOP.length);
}
