import {
  type AuthRequest,
  type AuthResponse,
  headersFromNode,
  NodeAuthRequest,
  responseBodyText,
} from '@portcullis/core/adapter';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The neutral request core takes, built from a Fastify request: the URL as received (query string
 * included), headers through `headersFromNode` (a second `Authorization` header is seen and refused),
 * route parameters, and the socket's address — core resolves the client under `createAuth({ trustProxy })`,
 * so Fastify's own `trustProxy` (and `request.ip`) play no part.
 *
 * @example const principal = await auth.authenticate(toAuthRequest(request));
 */
export function toAuthRequest(request: FastifyRequest, body?: unknown): AuthRequest {
  const { method, url, raw } = request;
  const params = request.params as Readonly<Record<string, string>>;
  return new NodeAuthRequest(method, url, headersFromNode(raw), params, raw, remoteAddressOf, body);
}

/** The socket's peer (a `getpeername` call the first time): read only when core asks. */
const remoteAddressOf = (raw: FastifyRequest['raw']) => raw.socket?.remoteAddress;

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
