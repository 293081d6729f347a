export type {
  AuthCookies,
  AuthCookiesOptions,
  AuthCookieValues,
  SetAuthCookieOptions,
} from './auth-cookies.js';
export { createAuthCookies } from './auth-cookies.js';
export type { AuthCookieKind, AuthCookieNames } from './cookie-names.js';
export { DEFAULT_COOKIE_NAMES } from './cookie-names.js';
export { MAX_COOKIE_VALUE_LENGTH, readCookies } from './read-cookies.js';
