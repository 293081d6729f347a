import { AuthError } from '@portcullis/core';
import { type AdapterAuth, MAX_AUTH_BODY_BYTES, readBodyText } from '@portcullis/core/adapter';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { sendAuthResponse, toAuthRequest } from './lib/translate.js';

/**
 * The body for core: the raw text when no parser has read the stream (core then parses it and enforces the
 * 16 KiB limit exactly as on every framework), or what a parser mounted earlier made of it.
 */
async function bodyOf(req: Request): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (!req.readableEnded) return readBodyText(req, MAX_AUTH_BODY_BYTES);
  const body: unknown = req.body;
  // express.text()/express.raw() hand over text or bytes: core checks them itself.
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return body;
  // A form or multipart parser must not turn a non-JSON body into a login (the contract: non-JSON is 400).
  if (!req.is(['json', '+json'])) throw new AuthError('invalid_request', 'Request body must be JSON');
  // express.json() allows 100 kB by default; the contract allows 16 KiB on the auth routes.
  if (Number(req.get('content-length')) > MAX_AUTH_BODY_BYTES)
    throw new AuthError('payload_too_large', `Request body is larger than ${MAX_AUTH_BODY_BYTES} bytes`);
  return body;
}

/** One Express handler per core route; a failure to read the body goes to `next(err)`. */
function handlerFor(handle: AdapterAuth['routes'][number]['handle']): RequestHandler {
  return function portcullisRoute(req, res, next) {
    // Translated first, the socket's address included: a body past the discard budget is cut off, and a
    // destroyed socket no longer knows its peer. (Login, registration and reset limits count per address.)
    const neutral = toAuthRequest(req);
    const request = { ...neutral, remoteAddress: neutral.remoteAddress };
    bodyOf(req)
      .then((body) => handle({ ...request, body }))
      .then((response) => sendAuthResponse(res, response))
      .catch(next);
  };
}

/**
 * An Express `Router` serving every route of `auth.routes` (register, login, refresh, logout, sessions, API
 * keys, key rotation, JWKS, health). Mount it before any body parser, or after `express.json()`: it reads
 * the raw body itself when no parser consumed it.
 *
 * @example app.use(portcullis(auth).router);
 */
export function authRouter(auth: AdapterAuth): Router {
  const router = express.Router();
  for (const route of auth.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'delete';
    router[method](route.path, handlerFor(route.handle));
  }
  return router;
}
