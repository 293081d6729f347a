import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { runKeepAliveSuite } from '@portcullis/testkit';
import { Hono } from 'hono';
import { authRoutes, notFound, onError, securityHeaders } from './index.js';

// Over a real socket on @hono/node-server: `app.request()` has no connection to keep alive.
runKeepAliveSuite('hono on @hono/node-server', async (auth) => {
  const app = new Hono();
  app.use(securityHeaders());
  app.route('/', authRoutes(auth, { getConnInfo }));
  app.notFound(notFound(auth));
  app.onError(onError(auth));
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
