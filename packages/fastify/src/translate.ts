import { type AuthRequest, type AuthResponse, headersFromNode, responseBodyText } from '@portcullis/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The neutral request core takes, built from a Fastify request: the URL as received (query string
 * included), headers through `headersFromNode` (a second `Authorization` header is seen and refused),
 * Fastify's `request.ip` (its `trustProxy` setting applies) and route parameters.
 *
 * @example const principal = await auth.authenticate(toAuthRequest(request));
 */
export function toAuthRequest(request: FastifyRequest, body?: unknown): AuthRequest {
  return new FastifyAuthRequest(request, body);
}

// A class rather than an object literal with a getter: the getter lives on the prototype, so a request
// costs one small object, not an object plus a closure.
class FastifyAuthRequest implements AuthRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: AuthRequest['headers'];
  readonly body: unknown;
  readonly params: Readonly<Record<string, string>>;
  readonly #request: FastifyRequest;

  constructor(request: FastifyRequest, body: unknown) {
    this.#request = request;
    this.method = request.method;
    this.url = request.url;
    this.headers = headersFromNode(request.raw);
    this.body = body;
    this.params = request.params as Readonly<Record<string, string>>;
  }

  /** Read only when core needs it (login throttling): with `trustProxy` it is worked out per access. */
  get ip(): string {
    return this.#request.ip;
  }
}

/**
 * Copies a neutral response onto a Fastify reply: status, headers, every `Set-Cookie`, and the JSON body
 * text (or an empty body).
 *
 * @example return sendAuthResponse(reply, await route.handle(toAuthRequest(request, request.body)));
 */
export function sendAuthResponse(reply: FastifyReply, response: AuthResponse): FastifyReply {
  reply.code(response.status).headers(response.headers);
  if (response.cookies.length > 0) reply.header('set-cookie', response.cookies);
  return reply.send(responseBodyText(response));
}
