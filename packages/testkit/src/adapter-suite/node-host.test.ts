import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeListener } from '../node-host.js';
import { runAdapterSuite } from './run-adapter-suite.js';

// The table run against the bare node:http reference host, over real HTTP.
runAdapterSuite('node:http reference host', async (auth, userCount) => {
  const server = createServer(createNodeListener(auth, userCount));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async inject(request) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers ?? {})) {
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      }
      const response = await fetch(base + request.url, {
        method: request.method,
        headers,
        body: request.body ?? null,
      });
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        out[name] = value;
      });
      out['set-cookie'] = response.headers.getSetCookie();
      return { status: response.status, headers: out, body: await response.text() };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
});
