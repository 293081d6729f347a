import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeListener } from '../node-host.js';
import { fetchInject } from './fetch-inject.js';
import { runAdapterSuite } from './run-adapter-suite.js';

// The table run against the bare node:http reference host, over real HTTP.
runAdapterSuite('node:http reference host', async (auth, userCount) => {
  const server = createServer(createNodeListener(auth, userCount));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    inject: fetchInject((request) => fetch(request), base),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
});
