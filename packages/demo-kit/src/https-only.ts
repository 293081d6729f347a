import { AuthError } from '@portcullis/core';
import type { ClientRequest, ProxyTrust } from '@portcullis/core/http';
import type { DemoConfig } from './env.js';

/** The connection a request came over: the socket's address and TLS, and the request's headers. */
export interface Connection extends ClientRequest {
  /** Whether the socket itself is TLS (`socket.encrypted`). */
  readonly encrypted: boolean;
}

/**
 * In production the demo refuses plain-HTTP requests: 403 `invalid_request`. Whether a request is HTTPS is
 * core's answer under `TRUST_PROXY` (`auth.proxyTrust`, the setting that also resolves client addresses):
 * `X-Forwarded-Proto` counts only when the socket's peer is a trusted proxy, so with `TRUST_PROXY=0` no
 * client can claim HTTPS by a header. Returns the error to answer with, or nothing.
 *
 * @example const refusal = plainHttpRefusal(config, auth.proxyTrust, { encrypted, remoteAddress, headers });
 */
export function plainHttpRefusal(
  config: Pick<DemoConfig, 'production'>,
  proxyTrust: ProxyTrust,
  connection: Connection,
): AuthError | undefined {
  if (!config.production) return undefined;
  if (proxyTrust.protocol(connection, connection.encrypted) === 'https') return undefined;
  return new AuthError('invalid_request', 'HTTPS is required', { status: 403, reason: 'plain_http' });
}
