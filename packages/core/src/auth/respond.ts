import type { AuthResponse } from '../http/types.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A JSON response. Every response a portcullis flow produces is `Cache-Control: no-store` unless it says
 * otherwise: they carry credentials or describe them.
 */
export function json(
  status: number,
  body: unknown,
  cookies: string[] = [],
  headers: Record<string, string> = {},
): AuthResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers },
    cookies,
    body,
  };
}

/** A 204 response, e.g. after logout. */
export function noContent(cookies: string[] = []): AuthResponse {
  return { status: 204, headers: { 'cache-control': 'no-store' }, cookies, body: undefined };
}
