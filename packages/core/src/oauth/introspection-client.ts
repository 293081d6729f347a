import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors/auth-error.js';
import { createProviderHttp, isLoopbackHttp } from './provider-http.js';

/** Asks the authorization server about one token (RFC 7662 §2); rejects with 503 when it cannot answer. */
export type Introspect = (token: string) => Promise<oauth.IntrospectionResponse>;

/** Why an introspection request failed, for `AuthError.reason`: never the library's message, never a secret. */
function failure(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'introspection_timeout';
  if (error instanceof oauth.ResponseBodyError) return `introspection_status_${error.status}`;
  if (error instanceof oauth.OperationProcessingError) return 'introspection_bad_response';
  if (error instanceof TypeError) return 'introspection_unreachable';
  return 'introspection_failed';
}

/**
 * The introspection endpoint's client: `POST token=…` with `client_secret_basic` (oauth4webapi), each
 * request bounded by `timeoutMs`, the answer checked to be a 200 JSON object with a boolean `active`.
 * Anything else — unreachable, timeout, another status, no JSON — is 503 `temporarily_unavailable`: a
 * token that cannot be checked is refused (fail closed). The error carries the reason only; nothing from
 * the request (the secret, the token) or the library's message reaches it.
 */
export function createIntrospectionClient(options: {
  endpoint: URL;
  /** The authorization server's issuer when known; oauth4webapi needs one, and uses it for JWT answers only. */
  issuer: string | undefined;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}): Introspect {
  const { endpoint } = options;
  const as: oauth.AuthorizationServer = Object.freeze({
    issuer: options.issuer ?? endpoint.href,
    introspection_endpoint: endpoint.href,
  });
  const client: oauth.Client = Object.freeze({ client_id: options.clientId });
  const clientAuth = oauth.ClientSecretBasic(options.clientSecret);
  const http = createProviderHttp({
    timeoutMs: options.timeoutMs,
    fetch: undefined,
    allowLoopbackHttp: isLoopbackHttp(endpoint),
  });
  return async (token) => {
    try {
      const response = await oauth.introspectionRequest(
        as,
        client,
        clientAuth,
        token,
        http.options<'POST', URLSearchParams>(),
      );
      return await oauth.processIntrospectionResponse(as, client, response);
    } catch (error) {
      const reason = failure(error);
      throw new AuthError('temporarily_unavailable', 'The access token could not be checked', {
        retryAfter: 5,
        reason,
        cause: new Error(reason),
      });
    }
  };
}
