import { ACR_MFA, AuthError } from '@portcullis/core';
import { runAdapterSuite } from '@portcullis/testkit';
import Fastify from 'fastify';
import { portcullis, portcullisRoutes } from './index.js';
import { fastifyInject } from './testing/inject.js';

// The shared table, through Fastify's own injection (light-my-request).
runAdapterSuite('fastify', async (auth, userCount) => {
  const app = Fastify();
  await app.register(portcullis, { auth });
  await app.register(portcullisRoutes);
  const { authenticate, requireRoles, requireScopes, requireFreshAuth, requireAcr } = app.portcullis;

  app.get('/me', { onRequest: authenticate() }, async (request) => {
    const user = await auth.users.findById(request.auth!.subject);
    if (user === null)
      throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer', reason: 'user_gone' });
    return { id: user.id, email: user.email, role: user.role, email_verified: user.emailVerified };
  });
  app.get('/admin/stats', { onRequest: authenticate(), preHandler: requireRoles('admin') }, async () => ({
    users: await userCount(),
  }));
  app.get(
    '/service/reports',
    { onRequest: authenticate({ via: ['apiKey'] }), preHandler: requireScopes('reports:read') },
    async (request) => ({ reports: [], key_id: request.auth!.tokenId }),
  );
  app.get(
    '/step-up/fresh',
    { onRequest: authenticate(), preHandler: requireFreshAuth({ maxAge: 600 }) },
    async (request) => ({ subject: request.auth!.subject }),
  );
  app.get(
    '/step-up/mfa',
    { onRequest: authenticate(), preHandler: requireAcr(ACR_MFA) },
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
