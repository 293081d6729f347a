import {
  ConfigurableModuleBuilder,
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { AuthExceptionFilter } from './auth-exception-filter.js';
import { AuthGuard } from './auth-guard.js';
import { mountAuthRoutes } from './lib/mount-auth-routes.js';
import { securityHeaders } from './lib/platform.js';
import { assertOptions, type PortcullisModuleOptions } from './options.js';
import { PORTCULLIS_OPTIONS } from './options-token.js';

const { ConfigurableModuleClass, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<PortcullisModuleOptions>({ optionsInjectionToken: PORTCULLIS_OPTIONS })
    .setClassMethodName('forRoot')
    .build();

/** What `PortcullisModule.forRootAsync()` takes: `useFactory` + `inject`, `useClass` or `useExisting`. */
export type PortcullisModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/**
 * Portcullis for a Nest application, on `@nestjs/platform-express` or `@nestjs/platform-fastify`. Import it
 * once, in the root module. It installs the global `AuthGuard` (every route authenticated unless
 * `@Public()`) and `AuthExceptionFilter` (every error in the contract's shape), gives every response the
 * security headers, and serves `auth.routes` — `/auth/*`, `/api-keys`, the JWKS, `/healthz` — at the root
 * of the app (outside any global prefix).
 *
 * @example
 * @Module({ imports: [PortcullisModule.forRoot({ auth: await createAuth({ … }) })], controllers: [MeController] })
 * export class AppModule {}
 * // or, with the auth built by a provider:
 * PortcullisModule.forRootAsync({ useFactory: (config: ConfigService) => ({ auth: … }), inject: [ConfigService] })
 */
@Global()
@Module({
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: AuthExceptionFilter },
  ],
  exports: [PORTCULLIS_OPTIONS],
})
export class PortcullisModule extends ConfigurableModuleClass implements NestModule, OnModuleInit {
  constructor(
    @Inject(PORTCULLIS_OPTIONS) private readonly options: PortcullisModuleOptions,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
    assertOptions(options);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(securityHeaders).forRoutes('*');
  }

  /** Runs after Nest has routed the controllers and before its 404 handler: the app's own routes win. */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter !== undefined && this.options.routes !== false) mountAuthRoutes(adapter, this.options.auth);
  }
}
