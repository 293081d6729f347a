import { runResourceServerSuite } from '@portcullis/testkit';
import Fastify from 'fastify';
import { portcullis } from './index.js';

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
    async inject(request) {
      const response = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers ?? {},
      });
      return {
        status: response.statusCode,
        headers: response.headers as Record<string, string | undefined>,
        body: response.body,
      };
    },
    close: () => app.close(),
  };
});
