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
  demoPage,
  demoRoutes,
  PAGE_HEADERS,
  readyLines,
  requestLogLine,
  SCRIPT_HEADERS,
  STYLE_HEADERS,
} from '@portcullis/demo-kit';
import { Credentials, CurrentPrincipal, PortcullisModule, Public, Roles, Scopes } from '@portcullis/nestjs';
import type { NextFunction, Request, Response } from 'express';

const demo = await createDemoAuth('nest');
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
  res.on('finish', () =>
    console.log(requestLogLine('nest', req.method, req.originalUrl, res.statusCode, started)),
  );
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
  logger: ['error', 'warn'],
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
