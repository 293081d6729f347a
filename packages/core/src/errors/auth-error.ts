/**
 * Every stable error code portcullis produces for untrusted input or an unavailable dependency.
 * `switch (err.code)` narrows on this union. Codes are part of the public API: never renamed.
 */
export type AuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_credentials'
  | 'invalid_grant'
  | 'weak_password'
  | 'email_taken'
  | 'csrf_failed'
  | 'rate_limited'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'temporarily_unavailable'
  /** The password was right and the account has a second factor: finish at `POST /auth/mfa/verify`. */
  | 'mfa_required'
  /** RFC 9470: the credential is valid but its authentication is too old, or not strong enough (`acr`). */
  | 'insufficient_user_authentication'
  /** RFC 9449: the `DPoP` proof is missing, malformed, replayed, or does not match the request or the token. */
  | 'invalid_dpop_proof'
  /** RFC 9449 §8: retry with the nonce of the `DPoP-Nonce` response header in the proof. */
  | 'use_dpop_nonce'
  /** RFC 6749 §5.2: client authentication failed (unknown client, wrong secret, no credentials). */
  | 'invalid_client'
  /** RFC 6749 §5.2: the authenticated client may not use this grant or endpoint. */
  | 'unauthorized_client'
  /** RFC 6749 §5.2: the `grant_type` is not one this server supports. */
  | 'unsupported_grant_type'
  /** RFC 6749 §5.2: a requested scope is beyond what the client may have. */
  | 'invalid_scope';

/** The HTTP status each code maps to unless an error says otherwise. */
export const DEFAULT_STATUS: Readonly<Record<AuthErrorCode, number>> = Object.freeze({
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_credentials: 401,
  invalid_grant: 401,
  weak_password: 400,
  email_taken: 409,
  csrf_failed: 403,
  rate_limited: 429,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  temporarily_unavailable: 503,
  mfa_required: 401,
  insufficient_user_authentication: 401,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  invalid_client: 401,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
});

/** Which authentication scheme a 401/403 challenges with (RFC 7235 `WWW-Authenticate`). */
export type ChallengeScheme = 'Bearer' | 'ApiKey' | 'DPoP' | 'Basic';

export interface AuthErrorOptions {
  /** Overrides the code's default HTTP status (e.g. a malformed `Authorization` header is 401 `invalid_request`). */
  status?: number;
  /** When set, the response carries a `WWW-Authenticate` challenge of this scheme. */
  challenge?: ChallengeScheme;
  /** Whether the challenge names the error (RFC 6750 §3.1: not when no credentials were presented). */
  challengeError?: boolean;
  /**
   * Extra auth-params of the challenge, after `error_description` (RFC 9470's `max_age`, `acr_values`).
   * Names are tokens; values are sent quoted.
   */
  challengeParams?: Readonly<Record<string, string>>;
  /**
   * Extra members of the JSON error body (e.g. the `mfa_token` of `mfa_required`). Never a secret of the
   * server's own: only what the client is meant to receive.
   */
  body?: Readonly<Record<string, unknown>>;
  /** Extra response headers (lower-case names), such as RFC 9449's `dpop-nonce`. Never a secret. */
  headers?: Readonly<Record<string, string>>;
  /** Seconds until a retry may succeed (`Retry-After`, for `rate_limited` and `temporarily_unavailable`). */
  retryAfter?: number;
  /**
   * Why exactly the input was refused (`"expired"`, `"bad_signature"`, `"wrong_audience"`…), for logs and
   * tests. Never sent to the client, whose description stays generic; never contains secret material.
   */
  reason?: string;
  /** The underlying failure, kept for server-side diagnostics; never serialised to a client. */
  cause?: unknown;
}

/**
 * The one error class for every refusal of untrusted input. Its `message` is the
 * client-facing description, so it never contains a token, key, password or cookie value.
 *
 * @example
 * throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer' });
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly challenge: ChallengeScheme | undefined;
  readonly challengeError: boolean;
  readonly retryAfter: number | undefined;
  readonly reason: string | undefined;
  readonly challengeParams: Readonly<Record<string, string>> | undefined;
  readonly body: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: AuthErrorCode, description: string, options: AuthErrorOptions = {}) {
    // A refusal of untrusted input needs no stack trace (its `code` and `reason` say where it came from), and
    // capturing one costs more than the whole check it reports — a cost an attacker could choose to make us pay.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.challenge = options.challenge;
    this.challengeError = options.challengeError ?? true;
    this.retryAfter = options.retryAfter;
    this.reason = options.reason;
    this.challengeParams = options.challengeParams;
    this.body = options.body;
    this.headers = options.headers;
  }

  /** The description a client sees (same as `message`). */
  get description(): string {
    return this.message;
  }
}

/** Type guard that also works across duplicated package copies (ESM and CJS loaded side by side). */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError ||
    (value instanceof Error &&
      value.name === 'AuthError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
