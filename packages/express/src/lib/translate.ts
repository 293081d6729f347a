import {
  type AuthRequest,
  type AuthResponse,
  headersFromNode,
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
  return new ExpressAuthRequest(req);
}

// A class rather than an object literal with a getter: the getter lives on the prototype, so a request
// costs one small object, not an object plus a closure.
class ExpressAuthRequest implements AuthRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: AuthRequest['headers'];
  readonly params: Readonly<Record<string, string>>;
  readonly #req: Request;

  constructor(req: Request) {
    this.#req = req;
    this.method = req.method;
    this.url = req.originalUrl;
    this.headers = headersFromNode(req);
    // Only `:name` segments are mounted, never Express 5's `*splat` (which would give arrays).
    this.params = req.params as Record<string, string>;
  }

  /** Read only when core needs it (login throttling): `req.ip` runs proxy-addr on every access. */
  get ip(): string | undefined {
    return this.#req.ip;
  }
}

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
