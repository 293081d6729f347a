import type { AuthParts } from './auth-parts.js';

const CLEAR_COOKIES = Symbol('portcullis.clearCookies');

/** Marks an error so that its response also clears the access and refresh cookies. */
export function withClearedCookies(parts: AuthParts, error: unknown): unknown {
  if (typeof error === 'object' && error !== null) {
    Object.defineProperty(error, CLEAR_COOKIES, {
      value: [parts.cookies.clear('access'), parts.cookies.clear('refresh')],
    });
  }
  return error;
}

/** Marks an error so that its response carries `cookies` (`Set-Cookie` values) too. */
export function withCookies(error: unknown, cookies: string[]): unknown {
  if (typeof error === 'object' && error !== null)
    Object.defineProperty(error, CLEAR_COOKIES, { value: [...cookiesOf(error), ...cookies] });
  return error;
}

/** The `Set-Cookie` values an error asks for, if any. */
export function cookiesOf(error: unknown): string[] {
  return (
    (typeof error === 'object' && error !== null && (error as Record<symbol, string[]>)[CLEAR_COOKIES]) || []
  );
}
