import * as oauth from 'oauth4webapi';
import { AuthError, isAuthError } from '../errors/auth-error.js';

const DESCRIPTION = 'Sign-in with the provider failed';

/**
 * The contract's answer to every refused sign-in callback: 400 `invalid_request` with one generic
 * description. `reason` says exactly why, for logs; it is always one of portcullis's own words, never
 * text from the provider or the request.
 */
export function oauthRefusal(reason: string, cause?: unknown): AuthError {
  return new AuthError('invalid_request', DESCRIPTION, { reason, ...(cause === undefined ? {} : { cause }) });
}

// An error parameter of an authorization or token error response, when it is a plain RFC 6749 code.
const ERROR_CODE = /^[a-z_]{1,64}$/;

/**
 * The OAuth error code an authorization server answered with: from an error response body, or from the
 * `WWW-Authenticate` challenge of a 401 (e.g. `invalid_client`). `other` for anything else.
 */
export function providerErrorCode(error: unknown): string {
  let code = (error as { error?: unknown })?.error;
  if (error instanceof oauth.WWWAuthenticateChallengeError)
    code = (error.cause as readonly oauth.WWWAuthenticateChallenge[])[0]?.parameters.error;
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : 'other';
}

/** Why a call to the provider, or a check of its answer, failed: a short fixed word for `AuthError.reason`. */
function reasonOf(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) return `provider_error:${providerErrorCode(error)}`;
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError)
    return `provider_refused:${providerErrorCode(error)}`;
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'provider_timeout';
  if (error instanceof oauth.UnsupportedOperationError) return 'unsupported_by_client';
  if (error instanceof oauth.OperationProcessingError) {
    const cause = error.cause as { claim?: unknown; attribute?: unknown } | undefined;
    switch (error.code) {
      case oauth.RESPONSE_IS_NOT_CONFORM:
        return 'provider_bad_status';
      case oauth.JWT_CLAIM_COMPARISON:
        return `id_token_${String(cause?.claim ?? 'claim')}_mismatch`;
      case oauth.JWT_TIMESTAMP_CHECK:
        return `id_token_${String(cause?.claim ?? 'time')}_check_failed`;
      case oauth.JSON_ATTRIBUTE_COMPARISON:
        return `${String(cause?.attribute ?? 'attribute')}_mismatch`;
      case oauth.KEY_SELECTION:
        return 'id_token_no_matching_key';
      default:
        if (/signature/i.test(error.message)) return 'id_token_bad_signature';
        if (/"alg"/.test(error.message)) return 'id_token_algorithm';
        if (/"id_token"/.test(error.message)) return 'id_token_missing';
        if (/claim missing/.test(error.message))
          return `id_token_${/JWT "([a-z_]{1,20})"/.exec(error.message)?.[1] ?? 'claim'}_missing`;
        if (/"iss"/.test(error.message))
          return /missing/.test(error.message) ? 'iss_missing' : 'iss_mismatch';
        if (/"state"/.test(error.message)) return 'state_mismatch';
        return `invalid_response:${(error.code ?? 'unknown').replace(/^OAUTH_/, '').toLowerCase()}`;
    }
  }
  // fetch() rejects with a TypeError when the server cannot be reached (refused, reset, DNS).
  if (error instanceof TypeError) return 'provider_unreachable';
  return 'provider_failure';
}

/**
 * Maps whatever a step of the sign-in with the provider threw to the refusal: an `AuthError` stays as it
 * is (a store's 503 is not a refusal); anything else — a provider error, a 5xx, no answer in time, a
 * failed check of an ID token or UserInfo — is 400 `invalid_request`. The cause kept for diagnostics is
 * a bare copy of the message: the library's own error may hold the provider's response, tokens included.
 */
export function toOAuthRefusal(error: unknown): AuthError {
  if (isAuthError(error)) return error;
  const message = error instanceof Error ? error.message : 'unknown failure';
  return oauthRefusal(reasonOf(error), new Error(message));
}
