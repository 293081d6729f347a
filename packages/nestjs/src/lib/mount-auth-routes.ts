import type { HttpServer } from '@nestjs/common';
import type { AdapterAuth, AuthResponse, AuthRoute } from '@portcullis/core/adapter';
import { bodyOf, type PlatformRequest, send, toAuthRequest } from './platform.js';

const REGISTER = { GET: 'get', POST: 'post', DELETE: 'delete' } as const satisfies Record<
  AuthRoute['method'],
  keyof HttpServer
>;

/**
 * Serves `auth.routes` straight from the platform's router, beside the app's controllers, on Express and
 * Fastify alike. Each route authenticates for itself (core decides which are public), so the global guard,
 * pipes and interceptors stay out of the way; every failure is answered with core's error response.
 */
export function mountAuthRoutes(adapter: HttpServer, auth: AdapterAuth): void {
  for (const route of auth.routes) {
    adapter[REGISTER[route.method]](route.path, async (request: PlatformRequest, response: unknown) => {
      let out: AuthResponse;
      try {
        // Translated (the socket's address included) before the body is read: a body past the discard
        // budget is cut off, and a destroyed socket no longer knows its peer.
        const neutral = toAuthRequest(request);
        const translated = { ...neutral, remoteAddress: neutral.remoteAddress };
        const body = route.method === 'GET' ? undefined : await bodyOf(request);
        out = await route.handle({ ...translated, body });
      } catch (error) {
        out = auth.errorResponse(error);
      }
      return send(adapter, response, out);
    });
  }
}
