import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';

/** Query parameters that would carry a credential. The contract refuses all of them on every route. */
export const URL_CREDENTIAL_PARAMETERS: readonly string[] = Object.freeze([
  'access_token',
  'token',
  'api_key',
  'apikey',
]);

const FORBIDDEN = new Set(URL_CREDENTIAL_PARAMETERS);

/**
 * Refuses a request whose query string names a credential parameter (`?access_token=…`, `?api_key=…`),
 * compared case-insensitively after percent-decoding. URLs end up in logs, proxies and `Referer`
 * headers (RFC 6750 §5.3, RFC 9700 §4.3.2), so such a request is 400 `invalid_request` even when it
 * also carries valid header credentials.
 *
 * @example assertNoCredentialsInUrl('/me?access_token=x') // throws AuthError invalid_request
 */
export function assertNoCredentialsInUrl(url: string): void {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
  if (query.length === 0) return;
  for (const name of new URLSearchParams(query).keys()) {
    if (FORBIDDEN.has(name.trim().toLowerCase())) {
      throw new AuthError('invalid_request', MESSAGES.credentialsInUrl);
    }
  }
}
