import type { AuthRequest, AuthResponse } from '@portcullis/core/http';
import {
  headersFromFetch,
  headersFromNode,
  MAX_AUTH_BODY_BYTES,
  readBodyText,
  responseBodyText,
  SECURITY_HEADERS,
} from '@portcullis/core/http';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';

/**
 * Core's neutral request for `c`: method, the URL with its query string, every header. On Node
 * (@hono/node-server) all three are read from Node's request — Node's own headers object, with repeated
 * credentials read from the raw list, and no Fetch `Headers` or `HonoRequest` built for them; elsewhere from
 * Fetch's headers, whose joined repeats core splits again.
 */
export function requestOf(c: Context): AuthRequest {
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (incoming !== undefined && Array.isArray(incoming.rawHeaders) && typeof incoming.url === 'string') {
    return { method: incoming.method ?? c.req.method, url: incoming.url, headers: headersFromNode(incoming) };
  }
  return { method: c.req.method, url: c.req.url, headers: headersFromFetch(c.req.raw.headers) };
}

/** What `requestOf` reads of @hono/node-server's `c.env.incoming` (Node's `IncomingMessage`). */
type NodeIncoming = Parameters<typeof headersFromNode>[0] & { method?: string; url?: string };

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
