import { readCookies } from '../cookies/read-cookies.js';
import { AuthError } from '../errors/auth-error.js';
import { headerValues } from '../http/headers.js';
import type { AuthRequest } from '../http/types.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { optionError } from '../lib/option-error.js';
import { normalizeOrigin } from './origin.js';

/** How the request being checked was authenticated. */
export type CsrfAuthenticatedBy = 'cookie' | 'header' | 'none';

export interface CsrfCheckContext {
  /**
   * `"cookie"` when a cookie credential authenticates the request or is read or changed by it (refresh,
   * logout, session), even if a header credential was also presented; `"header"` when only `Authorization`
   * or `X-API-Key` does; `"none"` for unauthenticated requests. Any other value is treated as `"cookie"`.
   */
  authenticatedBy: CsrfAuthenticatedBy;
}

export interface CsrfDoubleSubmitOptions {
  /** The cookie holding the token (readable by the page's script, so not HttpOnly; keep a `__Host-` name). */
  cookieName: string;
  /** The request header that must repeat it, e.g. `"x-csrf-token"` (matched case-insensitively). */
  headerName: string;
}

export interface CsrfGuardOptions {
  /** Origins cookie-authenticated unsafe requests may come from (`APP_ORIGIN`): `scheme://host[:port]`. */
  allowedOrigins: readonly string[];
  /** When set, such requests must also repeat the token of a cookie in a header (an additional requirement). */
  doubleSubmit?: CsrfDoubleSubmitOptions;
}

/** Refuses cross-site requests that ride on the browser's cookies. */
export interface CsrfGuard {
  /** The normalised allowed origins. */
  readonly allowedOrigins: readonly string[];
  /** Throws 403 `csrf_failed` when the request must be refused; returns nothing otherwise. Call before any change. */
  check(request: AuthRequest, context: CsrfCheckContext): void;
}

/** RFC 9110 §9.2.1 safe methods the contract lets through. Methods are case-sensitive: `get` is not safe. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_NAME = HEADER_NAME;
const MAX_TOKEN_LENGTH = 4096;

function refused(reason: string): AuthError {
  return new AuthError('csrf_failed', 'Cross-site request refused', { reason });
}

function allowedOriginOf(value: unknown): string {
  const origin = typeof value === 'string' ? normalizeOrigin(value) : null;
  if (origin === null)
    throw optionError(
      'createCsrfGuard.allowedOrigins',
      `${JSON.stringify(value)} is not an http(s) origin`,
      'give origins such as "https://app.example" (scheme, host, port; no path)',
    );
  return origin;
}

/**
 * Creates the contract's CSRF check: a request authenticated by a cookie with any method but GET, HEAD or
 * OPTIONS must carry exactly one `Origin` header equal to an allowed origin, compared after normalisation
 * (case-insensitive scheme and host, default port elided). A missing, different, malformed, repeated or
 * `null` Origin is 403 `csrf_failed` with a `reason`. Requests authenticated by a header credential, or not
 * at all, are not checked: a cross-site page cannot make a browser attach those headers without a CORS
 * preflight.
 *
 * A missing Origin is refused and `Referer` is never consulted: every browser sends Origin on cross-origin
 * and same-origin non-GET requests (Fetch §3.1), the contract says a missing Origin is 403, and `Referer` is
 * often stripped (the demo's own `Referrer-Policy: no-referrer`). Non-browser clients that authenticate by
 * cookie must send `Origin` themselves.
 *
 * With `doubleSubmit`, the request must also carry the header with the same value as the cookie (compared in
 * constant time). It adds to the Origin check, never replaces it.
 *
 * @example
 * const csrf = createCsrfGuard({ allowedOrigins: [process.env.APP_ORIGIN ?? 'http://127.0.0.1:3000'] });
 * csrf.check(request, { authenticatedBy: 'cookie' }); // throws AuthError csrf_failed (403)
 */
export function createCsrfGuard(options: CsrfGuardOptions): CsrfGuard {
  const list = options?.allowedOrigins;
  if (!Array.isArray(list) || list.length === 0)
    throw optionError(
      'createCsrfGuard.allowedOrigins',
      'must list at least one origin',
      'such as ["https://app.example"]',
    );
  const allowedOrigins = Object.freeze([...new Set(list.map(allowedOriginOf))]);
  const allowed = new Set(allowedOrigins);
  const doubleSubmit = options.doubleSubmit;
  if (doubleSubmit !== undefined) {
    if (typeof doubleSubmit.cookieName !== 'string' || !COOKIE_NAME.test(doubleSubmit.cookieName)) {
      throw optionError(
        'createCsrfGuard.doubleSubmit.cookieName',
        'must be a cookie-name token',
        "such as 'csrf'",
      );
    }
    if (typeof doubleSubmit.headerName !== 'string' || !HEADER_NAME.test(doubleSubmit.headerName)) {
      throw optionError(
        'createCsrfGuard.doubleSubmit.headerName',
        'must be a header-name token',
        "such as 'X-CSRF-Token'",
      );
    }
  }
  const tokenCookie = doubleSubmit?.cookieName;
  const tokenHeader = doubleSubmit?.headerName.toLowerCase();

  function checkOrigin(request: AuthRequest): void {
    const values = headerValues(request.headers, 'origin');
    if (values.length === 0) throw refused('missing_origin');
    if (values.length > 1) throw refused('multiple_origins');
    const value = values[0]!;
    // RFC 6454 §7.3: privacy-sensitive contexts (sandboxed frames, some redirects, file:) send `null`.
    if (value === 'null') throw refused('null_origin');
    const origin = normalizeOrigin(value);
    if (origin === null) throw refused('malformed_origin');
    if (!allowed.has(origin)) throw refused('origin_mismatch');
  }

  function checkToken(request: AuthRequest, cookieName: string, headerName: string): void {
    const expected = readCookies(request.headers)[cookieName];
    const presented = headerValues(request.headers, headerName);
    if (expected === undefined) throw refused('missing_csrf_cookie');
    const token = presented.length === 1 ? presented[0] : undefined;
    if (typeof token !== 'string' || token.length === 0) throw refused('missing_csrf_token');
    if (token.length > MAX_TOKEN_LENGTH || !constantTimeEqual(token, expected))
      throw refused('csrf_token_mismatch');
  }

  return {
    allowedOrigins,
    check(request, context) {
      const by = context?.authenticatedBy;
      if (by === 'header' || by === 'none') return;
      if (SAFE_METHODS.has(request.method)) return;
      checkOrigin(request);
      if (tokenCookie !== undefined && tokenHeader !== undefined)
        checkToken(request, tokenCookie, tokenHeader);
    },
  };
}
