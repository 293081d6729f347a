import { serialize } from 'cookie';
import type { RequestHeaders } from '../http/types.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import { type AuthCookieKind, type AuthCookieNames, DEFAULT_COOKIE_NAMES } from './cookie-names.js';
import { MAX_COOKIE_VALUE_LENGTH, readCookies } from './read-cookies.js';

export interface AuthCookiesOptions {
  /** Cookie names; each defaults to the contract's (`DEFAULT_COOKIE_NAMES`). Keep the `__Host-` prefix. */
  names?: Partial<AuthCookieNames>;
  /** `Max-Age` of the access-token cookie, in seconds or as `"15m"`: the access-token TTL. Default `"15m"`. */
  accessTtl?: number | string;
  /** `Max-Age` of the refresh-token cookie, in seconds or as `"7d"`: the refresh-token TTL. Default `"7d"`. */
  refreshTtl?: number | string;
  /**
   * `Max-Age` of the session cookie. Default: none, so it is a browser-session cookie and the server-side
   * idle and absolute timeouts alone decide how long the session lives.
   */
  sessionMaxAge?: number | string;
  /** `Max-Age` of the device cookie (login throttling), in seconds or as `"180d"`. Default `"180d"`. */
  deviceMaxAge?: number | string;
}

export interface SetAuthCookieOptions {
  /** Overrides the configured `Max-Age` (whole seconds > 0), e.g. with the remaining life of a rotated refresh family. */
  maxAge?: number;
}

/** The credential cookies read from one request; a missing, empty or oversized cookie is `undefined`. */
export interface AuthCookieValues {
  readonly access: string | undefined;
  readonly refresh: string | undefined;
  readonly session: string | undefined;
  readonly device: string | undefined;
  readonly webauthn: string | undefined;
}

/** Serialises and reads the contract's credential cookies. Every method returns one `Set-Cookie` value. */
export interface AuthCookies {
  readonly names: AuthCookieNames;
  /** The `Set-Cookie` value that stores `value` in the cookie of `kind`. */
  set(kind: AuthCookieKind, value: string, options?: SetAuthCookieOptions): string;
  /** The `Set-Cookie` value that deletes the cookie of `kind`: same attributes, empty value, `Max-Age=0`. */
  clear(kind: AuthCookieKind): string;
  /** The credential cookies of a request (see `readCookies` for duplicates and malformed headers). */
  read(headers: RequestHeaders): AuthCookieValues;
}

interface CookiePolicy {
  name: string;
  sameSite: 'lax' | 'strict';
  maxAge: number | undefined;
}

// RFC 6265 §4.1.1 cookie-name = token (RFC 9110 §5.6.2).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const KINDS: readonly AuthCookieKind[] = ['access', 'refresh', 'session', 'device', 'webauthn'];
/** Expires for deleted cookies: the epoch, for clients that predate `Max-Age`. Fixed, so client clock skew cannot matter. */
const EPOCH = new Date(0);

const alreadyEncoded = (value: string): string => value;

/** `%XX`-encodes what is not a cookie-octet, as `cookie` does by default (tokens and JWTs pass unchanged). */
function encodeValue(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw optionError(
      'cookies.set() value',
      'is not well-formed UTF-16',
      'pass a string without lone surrogates',
    );
  }
}

function cookieName(value: string | undefined, kind: AuthCookieKind): string {
  const name = value ?? DEFAULT_COOKIE_NAMES[kind];
  if (typeof name !== 'string' || !TOKEN.test(name))
    throw optionError(
      `cookies.names.${kind}`,
      'must be a cookie-name token',
      `use letters, digits and !#$%&'*+-.^_\`|~, or omit it for "${DEFAULT_COOKIE_NAMES[kind]}"`,
    );
  return name;
}

function seconds(value: number | string, optionName: string): number {
  const option = `cookies.${optionName}`;
  const parsed = parseDuration(value, option);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw optionError(option, 'must be a whole number of seconds > 0', 'omit it for the default');
  return parsed;
}

/**
 * Creates the serialiser of the contract's cookies: `HttpOnly; Secure; Path=/`, never a `Domain` (the
 * `__Host-` prefix forbids one), `SameSite=Lax` for the access and session cookies (they must accompany a
 * top-level navigation back to the app) and `SameSite=Strict` for the refresh and device cookies (only the
 * app itself ever calls `/auth/refresh` or logs in).
 *
 * `Max-Age` alone bounds a live cookie: it is relative, so a client with a wrong clock cannot keep the cookie
 * longer or drop it early, and every current browser honours it. A deleted cookie also carries
 * `Expires=Thu, 01 Jan 1970 00:00:00 GMT` for clients that predate `Max-Age`; being far in the past, it is
 * immune to clock skew too.
 *
 * @example
 * const cookies = createAuthCookies({ accessTtl: '15m', refreshTtl: '7d' });
 * response.cookies.push(cookies.set('access', token), cookies.set('refresh', refreshToken));
 * response.cookies.push(cookies.clear('session'));
 */
export function createAuthCookies(options: AuthCookiesOptions = {}): AuthCookies {
  const configured = options.names ?? {};
  const names: AuthCookieNames = Object.freeze({
    access: cookieName(configured.access, 'access'),
    refresh: cookieName(configured.refresh, 'refresh'),
    session: cookieName(configured.session, 'session'),
    device: cookieName(configured.device, 'device'),
    webauthn: cookieName(configured.webauthn, 'webauthn'),
  });
  if (new Set(KINDS.map((kind) => names[kind])).size !== KINDS.length)
    throw optionError('cookies.names', 'name two cookies the same', 'give each cookie its own name');
  const policies: Record<AuthCookieKind, CookiePolicy> = {
    access: { name: names.access, sameSite: 'lax', maxAge: seconds(options.accessTtl ?? '15m', 'accessTtl') },
    refresh: {
      name: names.refresh,
      sameSite: 'strict',
      maxAge: seconds(options.refreshTtl ?? '7d', 'refreshTtl'),
    },
    session: {
      name: names.session,
      sameSite: 'lax',
      maxAge:
        options.sessionMaxAge === undefined ? undefined : seconds(options.sessionMaxAge, 'sessionMaxAge'),
    },
    // Strict: only the app's own login page, never a cross-site request, needs to present it.
    device: {
      name: names.device,
      sameSite: 'strict',
      maxAge: seconds(options.deviceMaxAge ?? '180d', 'deviceMaxAge'),
    },
    // Strict and short: only the app's own page runs a ceremony, which takes a minute at most.
    webauthn: { name: names.webauthn, sameSite: 'strict', maxAge: 300 },
  };

  function policyOf(kind: AuthCookieKind): CookiePolicy {
    const policy = KINDS.includes(kind) ? policies[kind] : undefined;
    if (policy === undefined)
      throw optionError(
        'cookies kind',
        `${JSON.stringify(kind)} is not a cookie kind`,
        `use one of ${KINDS.join(', ')}`,
      );
    return policy;
  }

  return {
    names,
    set(kind, value, setOptions = {}) {
      const policy = policyOf(kind);
      if (typeof value !== 'string' || value.length === 0)
        throw optionError(
          'cookies.set() value',
          'must be a non-empty string',
          'to remove a cookie, call clear()',
        );
      const maxAge = setOptions.maxAge ?? policy.maxAge;
      if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge <= 0)) {
        throw optionError(
          'cookies.set() maxAge',
          'must be a whole number of seconds > 0',
          "omit it for the cookie's default",
        );
      }
      const encoded = encodeValue(value);
      // A browser silently drops a longer cookie, and readCookies would ignore it: fail loudly instead.
      if (encoded.length > MAX_COOKIE_VALUE_LENGTH) {
        throw optionError(
          'cookies.set() value',
          `of the ${kind} cookie exceeds ${MAX_COOKIE_VALUE_LENGTH} characters`,
          'keep cookie values short: browsers drop longer cookies',
        );
      }
      return serialize(policy.name, encoded, {
        encode: alreadyEncoded,
        maxAge,
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: policy.sameSite,
      });
    },
    clear(kind) {
      const policy = policyOf(kind);
      return serialize(policy.name, '', {
        maxAge: 0,
        expires: EPOCH,
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: policy.sameSite,
      });
    },
    read(headers) {
      const cookies = readCookies(headers);
      return Object.freeze({
        access: cookies[names.access],
        refresh: cookies[names.refresh],
        session: cookies[names.session],
        device: cookies[names.device],
        webauthn: cookies[names.webauthn],
      });
    },
  };
}
