// The portcullis demo on Fastify 5. Everything about authentication is @portcullis/fastify's plugin and
// routes; this file wires them, a users table, and the contract's three app routes.
import type { TLSSocket } from 'node:tls';
import {
  closeOnSignals,
  createDemoAuth,
  DEMO_CSS,
  DEMO_JS,
  demoLoggerOptions,
  demoPage,
  demoRoutes,
  logRequest,
  PAGE_HEADERS,
  readyLines,
  SCRIPT_HEADERS,
  STYLE_HEADERS,
} from '@portcullis/demo-kit';
import { clientErrorHandler, portcullis, portcullisRoutes } from '@portcullis/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

const app: FastifyInstance = Fastify({
  // Fastify's own logger (pino): JSON lines on stdout, credentials in anything logged censored. Its
  // per-request lines are replaced by one of ours (below): they would log the URL with its query string.
  logger: demoLoggerOptions('fastify'),
  disableRequestLogging: true,
  // No `trustProxy`: portcullis resolves the client (and HTTPS) from TRUST_PROXY itself, in core.
  frameworkErrors: (error, req, reply) => app.portcullis.errorHandler(error, req, reply),
  // A request Node cannot parse is answered with the contract's error and `Connection: close`.
  clientErrorHandler,
});
const demo = await createDemoAuth('fastify', process.env, app.log);
const { auth, config } = demo;
const routes = demoRoutes(demo);

// Errors that become a 5xx are logged with their stack by the plugin's error handler, on `request.log`.
await app.register(portcullis, { auth });
app.addHook('onRequest', async (req) => {
  (req as { startedAt?: number }).startedAt = performance.now();
  const encrypted = Boolean((req.raw.socket as TLSSocket).encrypted);
  routes.guard(req.url, { encrypted, remoteAddress: req.raw.socket.remoteAddress, headers: req.headers });
});
app.addHook('onResponse', async (req, reply) => {
  const started = (req as { startedAt?: number }).startedAt ?? performance.now();
  logRequest(req.log, req.method, req.url, reply.statusCode, started);
});
await app.register(portcullisRoutes);

const { authenticate, requireRoles, requireScopes } = app.portcullis;
app.get('/me', { onRequest: authenticate() }, async (req) => routes.me(req.auth!.subject));
app.get('/admin/stats', { onRequest: authenticate(), preHandler: requireRoles('admin') }, async () =>
  routes.stats(),
);
app.get(
  '/service/reports',
  { onRequest: authenticate({ via: ['apiKey'] }), preHandler: requireScopes('reports:read') },
  async (req) => routes.reports(req.auth!.tokenId),
);

app.get('/', async (_req, reply) => reply.headers(PAGE_HEADERS).send(demoPage('fastify')));
app.get('/demo.js', async (_req, reply) => reply.headers(SCRIPT_HEADERS).send(DEMO_JS));
app.get('/demo.css', async (_req, reply) => reply.headers(STYLE_HEADERS).send(DEMO_CSS));

await app.listen({ port: demo.port, host: config.host });
for (const line of readyLines('fastify', demo)) console.log(line);

closeOnSignals(async () => {
  await app.close();
  await demo.close();
});
