// The portcullis demo on NestJS 11 (platform-express). Everything about authentication is
// @portcullis/nestjs's module, guard and decorators; this file wires them, a users table, and the contract's
// three app routes.
import 'reflect-metadata';
import type { TLSSocket } from 'node:tls';
import {
  Controller,
  Get,
  Header,
  Inject,
  type LoggerService,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AuthContext } from '@portcullis/core';
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
import { Credentials, CurrentPrincipal, PortcullisModule, Public, Roles, Scopes } from '@portcullis/nestjs';
import type { NextFunction, Request, Response } from 'express';
import { pino } from 'pino';

// JSON lines on stdout; credentials in anything logged (headers, bodies) are censored.
const logger = pino(demoLoggerOptions('nest'));

/**
 * Nest's own messages through the same logger: its errors (a bug the exception filter answered 500, with
 * its stack) and warnings. Its start-up chatter (`log`, routes mapped) stays off, as before.
 */
const nestLogger: LoggerService = {
  log: () => undefined,
  error: (message: unknown, ...rest: unknown[]) => {
    const [stack, context] = rest.length >= 2 ? rest : [undefined, rest[0]];
    logger.error({ context, stack }, String(message));
  },
  warn: (message: unknown, ...rest: unknown[]) => logger.warn({ context: rest.at(-1) }, String(message)),
};

const demo = await createDemoAuth('nest', process.env, logger);
const ROUTES = 'DEMO_ROUTES';
type DemoRoutes = ReturnType<typeof demoRoutes>;

@Controller()
class DemoController {
  constructor(@Inject(ROUTES) private readonly routes: DemoRoutes) {}

  @Get('me')
  me(@CurrentPrincipal() principal: AuthContext) {
    return this.routes.me(principal.subject);
  }

  @Get('admin/stats')
  @Roles('admin')
  stats() {
    return this.routes.stats();
  }

  @Get('service/reports')
  @Credentials('apiKey')
  @Scopes('reports:read')
  reports(@CurrentPrincipal() principal: AuthContext) {
    return this.routes.reports(principal.tokenId);
  }

  @Get()
  @Public()
  @Header('content-type', PAGE_HEADERS['content-type']!)
  @Header('content-security-policy', PAGE_HEADERS['content-security-policy']!)
  @Header('cache-control', 'no-store')
  page() {
    return demoPage('nest');
  }

  @Get('demo.js')
  @Public()
  @Header('content-type', SCRIPT_HEADERS['content-type']!)
  @Header('cache-control', 'no-store')
  script() {
    return DEMO_JS;
  }

  @Get('demo.css')
  @Public()
  @Header('content-type', STYLE_HEADERS['content-type']!)
  @Header('cache-control', 'no-store')
  style() {
    return DEMO_CSS;
  }
}

/** Access log (path only), HTTPS in production, and credentials refused in the URL on every route. */
function guardAndLog(req: Request, res: Response, next: NextFunction) {
  const started = performance.now();
  res.on('finish', () => logRequest(logger, req.method, req.originalUrl, res.statusCode, started));
  try {
    demoRoutes(demo).guard(req.originalUrl, {
      encrypted: Boolean((req.socket as TLSSocket).encrypted),
      remoteAddress: req.socket.remoteAddress,
      headers: req.headers,
    });
  } catch (error) {
    return next(error);
  }
  next();
}

@Module({
  imports: [PortcullisModule.forRoot({ auth: demo.auth })],
  controllers: [DemoController],
  providers: [{ provide: ROUTES, useValue: demoRoutes(demo) }],
})
class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(guardAndLog).forRoutes('*');
  }
}

const app = await NestFactory.create<NestExpressApplication>(AppModule, {
  logger: nestLogger,
  rawBody: true,
});
// No `trust proxy`: portcullis resolves the client (and HTTPS) from TRUST_PROXY itself, in core.
app.enableShutdownHooks();
await app.listen(demo.port, demo.config.host);
for (const line of readyLines('nest', demo)) console.log(line);

closeOnSignals(async () => {
  await app.close();
  await demo.close();
});
