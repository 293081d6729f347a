import type { AuthError } from '../errors/auth-error.js';

// RFC 9110 token: what an auth-param's name may be.
const AUTH_PARAM_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** RFC 7230 quoted-string content: backslash-escape `"` and `\`, drop control characters. */
function quote(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Builds the `WWW-Authenticate` value for an error that carries a challenge (RFC 6750 §3).
 * Without credentials presented (`challengeError: false`) only the realm is named.
 *
 * @example challengeFor(new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer' }), 'api')
 * // 'Bearer realm="api", error="invalid_token", error_description="Invalid token"'
 */
export function challengeFor(error: AuthError, realm: string): string | undefined {
  if (error.challenge === undefined) return undefined;
  const params = [`realm=${quote(realm)}`];
  if (error.challengeError) {
    params.push(`error=${quote(error.code)}`, `error_description=${quote(error.message)}`);
    for (const [name, value] of Object.entries(error.challengeParams ?? {})) {
      if (AUTH_PARAM_NAME.test(name)) params.push(`${name}=${quote(value)}`);
    }
  }
  return `${error.challenge} ${params.join(', ')}`;
}
