/** The names of the three credential cookies portcullis sets. */
export interface AuthCookieNames {
  /** Carries the access token (JWT). */
  readonly access: string;
  /** Carries the refresh token. */
  readonly refresh: string;
  /** Carries the server-side session id. */
  readonly session: string;
}

/** Which credential a cookie carries. */
export type AuthCookieKind = keyof AuthCookieNames;

/**
 * The contract's cookie names. The `__Host-` prefix makes browsers accept the cookie only when it is
 * `Secure`, has `Path=/` and no `Domain`, so a sibling subdomain can neither set nor shadow it
 * (RFC 6265bis §4.1.3.2).
 *
 * @example DEFAULT_COOKIE_NAMES.session // '__Host-portcullis-sid'
 */
export const DEFAULT_COOKIE_NAMES: AuthCookieNames = Object.freeze({
  access: '__Host-portcullis-access',
  refresh: '__Host-portcullis-refresh',
  session: '__Host-portcullis-sid',
});
