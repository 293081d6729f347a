/** The names of the cookies portcullis sets: three credentials, and the device cookie of login throttling. */
export interface AuthCookieNames {
  /** Carries the access token (JWT). */
  readonly access: string;
  /** Carries the refresh token. */
  readonly refresh: string;
  /** Carries the server-side session id. */
  readonly session: string;
  /**
   * Marks a browser that logged in to an account before (login throttling): such a browser is not locked out
   * by failures of strangers elsewhere. Not a credential on its own.
   */
  readonly device: string;
  /**
   * Binds a WebAuthn challenge to the browser that asked for it (passkey registration and sign-in): an
   * opaque random value, for five minutes. Not a credential on its own.
   */
  readonly webauthn: string;
}

/** Which cookie of portcullis's a name is. */
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
  device: '__Host-portcullis-device',
  webauthn: '__Host-portcullis-webauthn',
});
