import { AuthError } from '@portcullis/core/errors';
import { fetchInject, runAdapterSuite } from '@portcullis/testkit';
import { Hono } from 'hono';
import {
  authenticate,
  authRoutes,
  notFound,
  onError,
  requireRoles,
  requireScopes,
  securityHeaders,
} from './index.js';

// The shared adapter table, against a test app written the way a Hono user would write it.
runAdapterSuite('hono', async (auth, userCount) => {
  const app = new Hono();
  app.use(securityHeaders());
  app.route('/', authRoutes(auth));
  app.get('/me', authenticate(auth), async (c) => {
    const user = await auth.users.findById(c.get('auth').subject);
    if (user === null) throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer' });
    return c.json({ id: user.id, email: user.email, role: user.role });
  });
  app.get('/admin/stats', authenticate(auth), requireRoles(auth, 'admin'), async (c) =>
    c.json({ users: await userCount() }),
  );
  app.get(
    '/service/reports',
    authenticate(auth, { via: ['apiKey'] }),
    requireScopes(auth, 'reports:read'),
    (c) => c.json({ reports: [], key_id: c.get('auth').tokenId }),
  );
  app.notFound(notFound(auth));
  app.onError(onError(auth));
  return { inject: fetchInject((request) => app.request(request)) };
});
