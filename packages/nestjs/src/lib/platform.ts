import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpServer } from '@nestjs/common';
import { type AuthContext, AuthError } from '@portcullis/core';
import {
  type AuthRequest,
  type AuthResponse,
  headersFromNode,
  MAX_AUTH_BODY_BYTES,
  NodeAuthRequest,
  readBodyText,
  responseBodyText,
  SECURITY_HEADERS,
} from '@portcullis/core/adapter';

/** What this adapter reads of an Express request, or of a Fastify one (which keeps Node's in `raw`). */
export interface PlatformRequest {
  raw?: IncomingMessage;
  params?: Record<string, string>;
  body?: unknown;
  /** Kept by both platforms under `NestFactory.create(AppModule, { rawBody: true })`. */
  rawBody?: Uint8Array;
  auth?: AuthContext;
}

function nodeRequest(request: PlatformRequest): IncomingMessage & { originalUrl?: string } {
  return request.raw ?? (request as IncomingMessage);
}

/**
 * Core's neutral request: the URL as received, headers through `headersFromNode` (repeated credentials are
 * seen), and the socket's address — core resolves the client under `createAuth({ trustProxy })`, so the
 * platform's own proxy setting (`app.set('trust proxy')`, Fastify's `trustProxy`) plays no part.
 */
export function toAuthRequest(request: PlatformRequest): AuthRequest {
  const node = nodeRequest(request);
  const url = node.originalUrl ?? node.url ?? '/';
  const headers = headersFromNode(node);
  return new NodeAuthRequest(node.method ?? 'GET', url, headers, request.params ?? {}, node, remoteAddressOf);
}

/** The socket's peer (a `getpeername` call the first time): read only when core asks. */
const remoteAddressOf = (node: IncomingMessage) => node.socket?.remoteAddress;

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The body of an auth route as core wants it: raw bytes whenever they exist, so that core parses and
 * limits them as on every framework. Nest's JSON parser has consumed them unless the app kept them
 * (`rawBody: true`); then the parsed value is passed on, after the 16 KiB limit is checked against
 * Content-Length (which both platforms' parsers hold the body to), or against the value re-serialised.
 */
export async function bodyOf(request: PlatformRequest): Promise<unknown> {
  const body = request.rawBody ?? request.body;
  if (body === undefined) return readBodyText(nodeRequest(request), MAX_AUTH_BODY_BYTES);
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  const headers = nodeRequest(request).headers;
  // A form the platform parsed is not JSON, as core would have said of its bytes.
  if (!JSON_TYPE.test(headers['content-type'] ?? '')) {
    throw new AuthError('invalid_request', 'Request body must be JSON');
  }
  const size = Number(headers['content-length'] ?? Buffer.byteLength(JSON.stringify(body)));
  if (size > MAX_AUTH_BODY_BYTES) {
    throw new AuthError('payload_too_large', `Request body is larger than ${MAX_AUTH_BODY_BYTES} bytes`);
  }
  return body;
}

/** Copies a neutral response onto the platform's response: security headers, every Set-Cookie, the body. */
export function send(adapter: HttpServer, response: unknown, out: AuthResponse): unknown {
  for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, ...out.headers })) {
    adapter.setHeader(response, name, value);
  }
  if (out.cookies.length > 0) adapter.setHeader(response, 'set-cookie', out.cookies as unknown as string);
  nodeResponse(response).removeHeader('x-powered-by');
  return adapter.reply(response, responseBodyText(out), out.status);
}

function nodeResponse(response: unknown): ServerResponse {
  return (response as { raw?: ServerResponse }).raw ?? (response as ServerResponse);
}

/** Middleware giving every response the contract's security headers, and no `X-Powered-By`. */
export function securityHeaders(_request: unknown, response: ServerResponse, next: () => void): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  response.removeHeader('x-powered-by');
  next();
}
