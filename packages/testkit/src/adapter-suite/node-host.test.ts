import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACR_MFA, type Auth, type Requirement, requireAcr, requireFreshAuth } from '@portcullis/core';
import { createNodeListener } from '../node-host.js';
import { fetchInject } from './fetch-inject.js';
import { runAdapterSuite } from './run-adapter-suite.js';

/** A table route behind `requirement`, as the reference host answers its own: `{subject}`, or core's refusal. */
function guarded(auth: Auth, path: string, requirement: Requirement): Auth['routes'][number] {
  return {
    method: 'GET',
    path,
    async handle(request) {
      try {
        const principal = await auth.authenticate(request);
        auth.authorize(principal, requirement);
        const body = { subject: principal.subject };
        return {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          cookies: [],
          body,
        };
      } catch (error) {
        return auth.errorResponse(error);
      }
    },
  };
}

// The table run against the bare node:http reference host, over real HTTP. The host (shared with
// packages/integration) serves the table's first three app routes; its step-up routes are added here.
runAdapterSuite('node:http reference host', async (auth, userCount) => {
  const routes = [
    ...auth.routes,
    guarded(auth, '/step-up/fresh', requireFreshAuth({ maxAge: 600 })),
    guarded(auth, '/step-up/mfa', requireAcr(ACR_MFA)),
  ];
  const server = createServer(createNodeListener({ ...auth, routes }, userCount));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    inject: fetchInject((request) => fetch(request), base),
    host: new URL(base).host,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
});
