import type { AddressInfo } from 'node:net';
import { runKeepAliveSuite } from '@portcullis/testkit';
import express from 'express';
import { notFound, portcullis, securityHeaders } from './index.js';

// Over a real socket: Express's own test helpers (supertest) open one connection per request.
runKeepAliveSuite('express 5', async (auth) => {
  const pc = portcullis(auth);
  const app = express();
  app.use(securityHeaders(), pc.router, notFound, pc.errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
