import { MAX_AUTH_BODY_BYTES } from '@portcullis/core/adapter';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_ROUTE_SCHEMAS } from './schemas.js';
import { sendAuthResponse, toAuthRequest } from './translate.js';

const routes: FastifyPluginAsync = async (fastify) => {
  const { auth } = fastify.portcullis;
  // Scoped to this plugin: every body reaches core as raw text, whatever its content type, so that core
  // parses it and refuses bad input exactly as on every other framework.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  for (const route of auth.routes) {
    const schema = AUTH_ROUTE_SCHEMAS[`${route.method} ${route.path}`];
    fastify.route({
      method: route.method,
      url: route.path,
      bodyLimit: MAX_AUTH_BODY_BYTES,
      ...(schema === undefined ? {} : { schema }),
      handler: async (request, reply) =>
        sendAuthResponse(reply, await route.handle(toAuthRequest(request, request.body))),
    });
  }
};

/**
 * The contract's auth flows (`/auth/*`, `/api-keys`, `/healthz`, the JWKS…) as a plugin, mounted from
 * `auth.routes`. Bodies are capped at 16 KiB and passed to core as raw text; errors go through the
 * `portcullis` plugin's error handler, which must be registered first.
 *
 * @example
 * await app.register(portcullis, { auth });
 * await app.register(portcullisRoutes);
 */
export const portcullisRoutes = fp(routes, {
  fastify: '5.x',
  name: '@portcullis/fastify/routes',
  dependencies: ['@portcullis/fastify'],
  encapsulate: true,
});
