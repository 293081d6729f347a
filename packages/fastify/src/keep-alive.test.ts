import type { AddressInfo } from 'node:net';
import { runKeepAliveSuite } from '@portcullis/testkit';
import Fastify from 'fastify';
import { portcullis, portcullisRoutes } from './index.js';

// Over a real socket: `app.inject()` has no connection to keep alive.
runKeepAliveSuite('fastify', async (auth) => {
  const app = Fastify();
  await app.register(portcullis, { auth });
  await app.register(portcullisRoutes);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
});
