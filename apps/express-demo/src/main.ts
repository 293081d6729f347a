// The portcullis demo on Express 5. Everything about authentication is @portcullis/express's middleware and
// router; this file wires them, a users table, and the contract's three app routes.
import type { TLSSocket } from 'node:tls';
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
import { notFound, portcullis, securityHeaders } from '@portcullis/express';
import express, { type ErrorRequestHandler } from 'express';
import { pino } from 'pino';

// JSON lines on stdout; credentials in anything logged (headers, bodies) are censored.
const logger = pino(demoLoggerOptions('express'));
const demo = await createDemoAuth('express', process.env, logger);
const { auth, config } = demo;
const routes = demoRoutes(demo);
const pc = portcullis(auth);

const app = express();
app.disable('x-powered-by');
// No `trust proxy`: portcullis resolves the client (and HTTPS) from TRUST_PROXY itself, in core.
app.use((req, res, next) => {
  const started = performance.now();
  res.on('finish', () => logRequest(logger, req.method, req.originalUrl, res.statusCode, started));
  next();
});
app.use(securityHeaders());
app.use((req, _res, next) => {
  const encrypted = Boolean((req.socket as TLSSocket).encrypted);
  routes.guard(req.originalUrl, { encrypted, remoteAddress: req.socket.remoteAddress, headers: req.headers });
  next();
});
app.use(pc.router);

app.get('/me', pc.authenticate(), async (req, res) => {
  res.json(await routes.me(req.auth!.subject));
});
app.get('/admin/stats', pc.authenticate(), pc.requireRoles('admin'), async (_req, res) => {
  res.json(await routes.stats());
});
app.get(
  '/service/reports',
  pc.authenticate({ via: ['apiKey'] }),
  pc.requireScopes('reports:read'),
  (req, res) => {
    res.json(routes.reports(req.auth!.tokenId));
  },
);

app.get('/', (_req, res) => res.set(PAGE_HEADERS).send(demoPage('express')));
app.get('/demo.js', (_req, res) => res.set(SCRIPT_HEADERS).send(DEMO_JS));
app.get('/demo.css', (_req, res) => res.set(STYLE_HEADERS).send(DEMO_CSS));

// A refusal, or a client error of Express's own (a 4xx `status`), is answered and counted in the request
// line; anything else is a bug, logged with its stack before the error handler answers 500.
const logUnexpected: ErrorRequestHandler = (error, _req, _res, next) => {
  const status = (error as { status?: unknown } | null)?.status;
  if (!isAuthError(error) && !(typeof status === 'number' && status < 500))
    logger.error({ err: error }, 'unhandled error');
  next(error);
};

app.use(notFound);
app.use(logUnexpected);
app.use(pc.errorHandler);

const server = app.listen(demo.port, config.host, () => {
  for (const line of readyLines('express', demo)) console.log(line);
});

closeOnSignals(async () => {
  server.close();
  await demo.close();
});
