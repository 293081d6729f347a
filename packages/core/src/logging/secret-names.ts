// The one list of what a log must never show, read by both `pinoRedactPaths` and `redact()`.

/**
 * Request and response headers that carry a credential, lower-case as Node (and so pino and Fastify) spell
 * them: a bearer token or Basic password, session and refresh cookies, an API key.
 */
export const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
] as const;

/**
 * Fields of a request body that carry a secret: `/auth/login` (`password`), password changes, `/auth/refresh`
 * (`refresh_token`), MFA and one-time tokens and codes (`code`, `recovery_code`), OAuth token requests
 * (`code`, `code_verifier`, `client_secret`).
 */
export const REQUEST_BODY_FIELDS = [
  'password',
  'new_password',
  'current_password',
  'token',
  'refresh_token',
  'mfa_token',
  'code',
  'recovery_code',
  'code_verifier',
  'client_secret',
  'api_key',
  'secret',
] as const;

/** Query parameters that carry one: an OAuth callback's `code`, and credentials a client put in the URL. */
export const QUERY_FIELDS = ['code', 'token', 'access_token', 'api_key', 'key'] as const;

/** Fields of a response body that carry one: a token response, `POST /api-keys`'s `key`. */
export const RESPONSE_BODY_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'key',
  'secret',
  // `mfa_required`'s token; a TOTP enrolment's secret in every form; recovery codes shown once.
  'mfa_token',
  'otpauth_uri',
  'qr_svg',
  'recovery_codes',
] as const;

/** Every field secret inside a request or response: the three lists above. */
export const SECRET_WIRE_FIELDS = [
  ...new Set<string>([...REQUEST_BODY_FIELDS, ...QUERY_FIELDS, ...RESPONSE_BODY_FIELDS]),
];

/**
 * The same secrets as a log line's own fields, in either spelling (pino matches names exactly). Not `code`
 * nor `key`: at the top of a line they are an error's code or a cache's key, worth seeing.
 */
export const SECRET_FIELDS = [
  ...SECRET_WIRE_FIELDS.filter((name) => name !== 'code' && name !== 'key'),
  'newPassword',
  'currentPassword',
  'password_hash',
  'passwordHash',
  'accessToken',
  'refreshToken',
  'idToken',
  'mfaToken',
  'recoveryCode',
  'recoveryCodes',
  'otpauthUri',
  'apiKey',
  'clientSecret',
  'codeVerifier',
  'private_key',
  'privateKey',
  'pepper',
] as const;

/** Where a request or response carries `SECRET_WIRE_FIELDS`, for `redact()`: its body, query, route params. */
export const MESSAGE_PARTS = ['body', 'query', 'params'] as const;

/** Compares names as `redact()` does: case, `-` and `_` aside (`X-API-Key`, `x_api_key`, `apiKey`…). */
export function nameKey(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}
