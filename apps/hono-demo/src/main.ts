// The portcullis demo on Hono. Everything about authentication is @portcullis/hono's middleware and routes;
// this file wires them, a users table, and the contract's three app routes.
import type { TLSSocket } from 'node:tls';
import { type HttpBindings, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isAuthError } from '@portcullis/core';
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
import {
  authenticate,
  authRoutes,
  notFound,
  onError,
  requireRoles,
  requireScopes,
  securityHeaders,
} from '@portcullis/hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { pino } from 'pino';

// JSON lines on stdout; credentials in anything logged (headers, bodies) are censored.
const logger = pino(demoLoggerOptions('hono'));
const demo = await createDemoAuth('hono', process.env, logger);
const { auth, config } = demo;
const routes = demoRoutes(demo);

const app = new Hono<{ Bindings: HttpBindings }>();
app.use(async function log(c, next) {
  const started = performance.now();
  await next();
  logRequest(logger, c.req.method, c.req.path, c.res.status, started);
});
app.use(securityHeaders());
app.use(async function guard(c, next) {
  const { socket, headers } = c.env.incoming;
  routes.guard(c.req.url, {
    encrypted: Boolean((socket as TLSSocket).encrypted),
    remoteAddress: socket.remoteAddress,
    headers,
  });
  await next();
});

app.route('/', authRoutes(auth, { getConnInfo }));

app.get('/me', authenticate(auth), async (c) => c.json(await routes.me(c.get('auth').subject)));
app.get('/admin/stats', authenticate(auth), requireRoles(auth, 'admin'), async (c) =>
  c.json(await routes.stats()),
);
app.get(
  '/service/reports',
  authenticate(auth, { via: ['apiKey'] }),
  requireScopes(auth, 'reports:read'),
  (c) => c.json(routes.reports(c.get('auth').tokenId)),
);

app.get('/', (c) => c.body(demoPage('hono'), 200, { ...PAGE_HEADERS }));
app.get('/demo.js', (c) => c.body(DEMO_JS, 200, { ...SCRIPT_HEADERS }));
app.get('/demo.css', (c) => c.body(DEMO_CSS, 200, { ...STYLE_HEADERS }));

app.notFound(notFound(auth));
const answerError = onError(auth);
app.onError((error, c) => {
  // A refusal is answered and counted in the request line; anything else is a bug, logged with its stack.
  if (!isAuthError(error) && !(error instanceof HTTPException))
    logger.error({ err: error }, 'unhandled error');
  return answerError(error, c);
});

const server = serve({ fetch: app.fetch, port: demo.port, hostname: config.host }, () => {
  for (const line of readyLines('hono', demo)) console.log(line);
});

closeOnSignals(async () => {
  server.close();
  await demo.close();
});
