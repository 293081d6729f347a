import {
  type AuthRequest,
  type AuthResponse,
  headersFromFetch,
  MAX_AUTH_BODY_BYTES,
  readBodyText,
  responseBodyText,
  SECURITY_HEADERS,
} from '@portcullis/core/adapter';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { nodeRequestOf } from './node-fast-path.js';

/**
 * Core's neutral request for `c`: method, the URL with its query string, every header, read through Hono's
 * own request (Fetch joins repeated headers; core splits the credentials again) — or, on @hono/node-server,
 * from Node's request (`node-fast-path.ts`).
 */
export function requestOf(c: Context): AuthRequest {
  return (
    nodeRequestOf(c) ?? { method: c.req.method, url: c.req.url, headers: headersFromFetch(c.req.raw.headers) }
  );
}

/** The raw body text, at most MAX_AUTH_BODY_BYTES + 1 bytes of it, so that core can answer 413. */
export async function bodyOf(c: Context): Promise<string | undefined> {
  const raw = c.req.raw;
  // An earlier middleware read the body through Hono (a validator): Hono keeps it, and so can we.
  if (raw.bodyUsed) return c.req.text();
  return raw.body === null ? undefined : readBodyText(raw.body, MAX_AUTH_BODY_BYTES);
}

function headersOf(response: AuthResponse): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS, ...response.headers };
  if (response.cookies.length > 0) headers['set-cookie'] = response.cookies;
  return headers;
}

/** Answers with core's neutral response: status, headers, every Set-Cookie, JSON text or an empty body. */
export function send(c: Context, response: AuthResponse): Response {
  return c.newResponse(
    responseBodyText(response) ?? null,
    response.status as StatusCode,
    headersOf(response),
  );
}

/** The `HTTPException` a middleware throws for a refusal, carrying the contract's response (Hono's idiom). */
export function refusal(response: AuthResponse, cause: unknown): HTTPException {
  const headers = new Headers();
  for (const [name, value] of Object.entries(headersOf(response))) {
    for (const v of typeof value === 'string' ? [value] : value) headers.append(name, v);
  }
  const res = new Response(responseBodyText(response) ?? null, { status: response.status, headers });
  return new HTTPException(response.status as ContentfulStatusCode, { res, cause });
}
