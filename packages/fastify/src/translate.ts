import {
  type AuthRequest,
  type AuthResponse,
  headersFromNode,
  NodeAuthRequest,
  responseBodyText,
} from '@portcullis/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The neutral request core takes, built from a Fastify request: the URL as received (query string
 * included), headers through `headersFromNode` (a second `Authorization` header is seen and refused),
 * Fastify's `request.ip` (its `trustProxy` setting applies) and route parameters.
 *
 * @example const principal = await auth.authenticate(toAuthRequest(request));
 */
export function toAuthRequest(request: FastifyRequest, body?: unknown): AuthRequest {
  const { method, url, raw } = request;
  const params = request.params as Readonly<Record<string, string>>;
  return new NodeAuthRequest(method, url, headersFromNode(raw), params, request, ipOf, body);
}

/** With `trustProxy`, Fastify works the address out on every access: read only when core asks. */
const ipOf = (request: FastifyRequest) => request.ip;

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
