// The portcullis demo on Hono. Everything about authentication is @portcullis/hono's middleware and routes;
// this file wires them, a users table, and the contract's three app routes.
import type { TLSSocket } from 'node:tls';
import { type HttpBindings, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AuthError, assertNoCredentialsInUrl } from '@portcullis/core';
import {
  createDemoAuth,
  DEMO_CSS,
  DEMO_JS,
  demoPage,
  PAGE_HEADERS,
  plainHttpRefusal,
  readyLines,
  requestLogLine,
  SAMPLE_REPORTS,
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

const demo = await createDemoAuth('hono');
const { auth, users, config } = demo;

const app = new Hono<{ Bindings: HttpBindings }>();
app.use(async function log(c, next) {
  const started = performance.now();
  await next();
  console.log(requestLogLine('hono', c.req.method, c.req.path, c.res.status, started));
});
app.use(securityHeaders());
app.use(async function guard(c, next) {
  const plainHttp = plainHttpRefusal(
    config,
    Boolean((c.env.incoming.socket as TLSSocket).encrypted),
    c.req.header('x-forwarded-proto'),
  );
  if (plainHttp) throw plainHttp;
  assertNoCredentialsInUrl(c.req.url);
  await next();
});

app.route('/', authRoutes(auth, { getConnInfo }));

app.get('/me', authenticate(auth), async (c) => {
  const user = await users.findById(c.get('auth').subject);
  if (user === null)
    throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer', reason: 'user_gone' });
  return c.json({ id: user.id, email: user.email, role: user.role });
});
app.get('/admin/stats', authenticate(auth), requireRoles(auth, 'admin'), async (c) =>
  c.json({ users: await users.count() }),
);
app.get(
  '/service/reports',
  authenticate(auth, { via: ['apiKey'] }),
  requireScopes(auth, 'reports:read'),
  (c) => c.json({ reports: SAMPLE_REPORTS, key_id: c.get('auth').tokenId }),
);

app.get('/', (c) => c.body(demoPage('hono'), 200, { ...PAGE_HEADERS }));
app.get('/demo.js', (c) => c.body(DEMO_JS, 200, { ...SCRIPT_HEADERS }));
app.get('/demo.css', (c) => c.body(DEMO_CSS, 200, { ...STYLE_HEADERS }));

app.notFound(notFound(auth));
app.onError(onError(auth));

const server = serve({ fetch: app.fetch, port: demo.port, hostname: config.host }, () => {
  for (const line of readyLines('hono', demo.baseUrl, demo.storage)) console.log(line);
});

async function shutdown() {
  server.close();
  await demo.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
