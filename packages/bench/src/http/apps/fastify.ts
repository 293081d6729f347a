// Fastify 5: portcullis's plugin and `authenticate()` onRequest hook against @fastify/jwt (fast-jwt).
import fastifyJwt from '@fastify/jwt';
import { portcullis } from '@portcullis/fastify';
import Fastify from 'fastify';
import { AUDIENCE, CLOCK_TOLERANCE, ISSUER } from '../../fixtures.js';
import { BODY, ROUTES } from '../protocol.js';
import type { AppContext, StartedApp } from './context.js';

export async function start({ alg, auth, keys }: AppContext): Promise<StartedApp> {
  const app = Fastify({ logger: false });
  // Registered at the root, as an application serving the contract does (and as the README shows): its
  // onSend hook puts the contract's security headers on every route — /bare and /peer included — so the
  // three routes differ only by how they authenticate.
  await app.register(portcullis, { auth, notFoundHandler: false });
  app.get(ROUTES.bare, async () => BODY);
  app.get(ROUTES.portcullis, { onRequest: app.portcullis.authenticate() }, async () => BODY);
  await app.register(async (scope) => {
    // The peer answers its own errors as @fastify/jwt users do (its 401s), not through portcullis's handler.
    scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      reply.code(error.statusCode ?? 500).send({ error: 'unauthorized' });
    });
    await scope.register(fastifyJwt, {
      secret: alg === 'HS256' ? keys.fastJwtKey : { public: keys.fastJwtKey },
      verify: {
        algorithms: [alg],
        allowedIss: ISSUER,
        allowedAud: AUDIENCE,
        checkTyp: 'at+jwt',
        requiredClaims: ['iss', 'aud', 'exp', 'sub', 'iat', 'jti'],
        clockTolerance: CLOCK_TOLERANCE * 1000, // fast-jwt counts in ms
      },
    });
    scope.get(
      ROUTES.peer,
      {
        onRequest: async (request) => {
          await request.jwtVerify();
        },
      },
      async () => BODY,
    );
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    server: app.server,
    peer: {
      available: true,
      config:
        `@fastify/jwt 10 (fast-jwt 6): ${alg} pinned, iss, aud, exp, typ, sub/iat/jti required; ` +
        'cache off (its default: fast-jwt caches only when `cache` is set)',
    },
    close: () => app.close(),
  };
}
