import {
  type AuthRequest,
  type AuthResponse,
  headersFromNode,
  NodeAuthRequest,
  responseBodyText,
  SECURITY_HEADERS,
} from '@portcullis/core/adapter';
import type { Request, Response } from 'express';

/**
 * Express's request as core's neutral request. Headers through `headersFromNode`: `req.headers` keeps only one
 * `Authorization` header, and a doubled one must reach core to be refused. The URL is `originalUrl`, with
 * the query string as received and any mount path. The address is the socket's: core resolves the client
 * under `createAuth({ trustProxy })`, so Express's `trust proxy` (and `req.ip`) play no part.
 */
export function toAuthRequest(req: Request): AuthRequest {
  // Only `:name` segments are mounted, never Express 5's `*splat` (which would give arrays).
  const params = req.params as Record<string, string>;
  return new NodeAuthRequest(req.method, req.originalUrl, headersFromNode(req), params, req, remoteAddressOf);
}

/** The socket's peer (a `getpeername` call the first time): read only when core asks. */
const remoteAddressOf = (req: Request) => req.socket.remoteAddress;

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
