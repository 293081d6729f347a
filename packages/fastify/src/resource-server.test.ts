import { runResourceServerSuite } from '@portcullis/testkit';
import Fastify from 'fastify';
import { portcullis } from './index.js';
import { fastifyInject } from './testing/inject.js';

// The same plugin in front of tokens from an external authorization server (createResourceServer()).
runResourceServerSuite('fastify', async (resourceServer) => {
  const app = Fastify();
  await app.register(portcullis, { auth: resourceServer });
  const { authenticate, requireScopes } = app.portcullis;
  app.get(
    '/reports',
    { onRequest: authenticate(), preHandler: requireScopes('reports:read') },
    async (request) => ({
      subject: request.auth!.subject,
    }),
  );
  await app.ready();
  return {
    inject: fastifyInject(app),
    close: () => app.close(),
  };
});
