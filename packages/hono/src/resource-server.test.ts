import { fetchInject, runResourceServerSuite } from '@portcullis/testkit';
import { Hono } from 'hono';
import { authenticate, notFound, onError, requireScopes, securityHeaders } from './index.js';

// The same middleware in front of tokens from an external authorization server (createResourceServer()).
runResourceServerSuite('hono', async (resourceServer) => {
  const app = new Hono();
  app.use(securityHeaders());
  app.get('/reports', authenticate(resourceServer), requireScopes(resourceServer, 'reports:read'), (c) =>
    c.json({ subject: c.get('auth').subject }),
  );
  app.notFound(notFound(resourceServer));
  app.onError(onError(resourceServer));
  return { inject: fetchInject((request) => app.request(request)) };
});
