import {
  type AuthRequest,
  type AuthResponse,
  headersFromNode,
  NodeAuthRequest,
  responseBodyText,
  SECURITY_HEADERS,
} from '@portcullis/core';
import type { Request, Response } from 'express';

/**
 * Express's request as core's neutral request. Headers through `headersFromNode`: `req.headers` keeps only one
 * `Authorization` header, and a doubled one must reach core to be refused. The URL is `originalUrl`, with
 * the query string as received and any mount path; the IP is `req.ip`, so Express's `trust proxy` applies.
 */
export function toAuthRequest(req: Request): AuthRequest {
  // Only `:name` segments are mounted, never Express 5's `*splat` (which would give arrays).
  const params = req.params as Record<string, string>;
  return new NodeAuthRequest(req.method, req.originalUrl, headersFromNode(req), params, req, ipOf);
}

/** `req.ip` runs proxy-addr on every access: read only when core asks. */
const ipOf = (req: Request) => req.ip;

/** Applies the contract's security headers and drops `X-Powered-By`. */
export function applySecurityHeaders(res: Response): void {
  res.removeHeader('x-powered-by');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** Copies core's neutral response onto Express's: status, headers, every `Set-Cookie`, the JSON text or nothing. */
export function sendAuthResponse(res: Response, response: AuthResponse): void {
  applySecurityHeaders(res);
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  for (const cookie of response.cookies) res.append('set-cookie', cookie);
  // `end`, not `send`: no ETag and no conditional 304, so the response is core's, byte for byte.
  res.end(responseBodyText(response));
}
