import {
  Controller,
  Get,
  type INestApplication,
  Inject,
  Module,
  type ModuleMetadata,
  type NestApplicationOptions,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ACR_MFA, type Auth, type AuthContext, AuthError } from '@portcullis/core';
import type { Inject as InjectRequest } from '@portcullis/testkit';
import request from 'supertest';
import { Acr, Credentials, CurrentPrincipal, FreshAuth, Roles, Scopes } from '../decorators.js';
import type { PortcullisModuleOptions } from '../options.js';
import { PORTCULLIS_OPTIONS } from '../options-token.js';

export const USER_COUNT = 'USER_COUNT';

/** The adapter table's five app routes, written the Nest way under the global AuthGuard. */
@Controller()
export class DemoController {
  private readonly auth: Auth;

  constructor(
    @Inject(PORTCULLIS_OPTIONS) options: PortcullisModuleOptions,
    @Inject(USER_COUNT) private readonly userCount: () => Promise<number>,
  ) {
    this.auth = options.auth as Auth;
  }

  @Get('me')
  async me(@CurrentPrincipal() principal: AuthContext) {
    const user = await this.auth.users.findById(principal.subject);
    if (user === null) {
      throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer', reason: 'user_gone' });
    }
    return { id: user.id, email: user.email, role: user.role, email_verified: user.emailVerified };
  }

  @Get('admin/stats')
  @Roles('admin')
  async stats() {
    return { users: await this.userCount() };
  }

  @Get('service/reports')
  @Credentials('apiKey')
  @Scopes('reports:read')
  reports(@CurrentPrincipal() principal: AuthContext) {
    return { reports: [], key_id: principal.tokenId };
  }

  @Get('step-up/fresh')
  @FreshAuth({ maxAge: 600 })
  fresh(@CurrentPrincipal() principal: AuthContext) {
    return { subject: principal.subject };
  }

  @Get('step-up/mfa')
  @Acr(ACR_MFA)
  mfa(@CurrentPrincipal() principal: AuthContext) {
    return { subject: principal.subject };
  }
}

/** The app module around `DemoController`, with the suite's user counter. */
export function demoModule(userCount: () => Promise<number>) {
  @Module({ controllers: [DemoController], providers: [{ provide: USER_COUNT, useValue: userCount }] })
  class DemoModule {}
  return DemoModule;
}

export type Platform = 'express' | 'fastify';

/**
 * Compiles `imports` into a Nest app on `platform` and returns the suite's `inject`: supertest against the
 * HTTP server on Express, Fastify's own `inject()` on Fastify.
 */
export async function startApp(
  platform: Platform,
  imports: NonNullable<ModuleMetadata['imports']>,
  options: NestApplicationOptions = {},
): Promise<{ app: INestApplication; inject: InjectRequest; close: () => Promise<void> }> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  const appOptions: NestApplicationOptions = { logger: ['error', 'warn'], ...options };
  if (platform === 'express') {
    const app = moduleRef.createNestApplication(new ExpressAdapter(), appOptions);
    await app.init();
    const server = app.getHttpServer();
    return {
      app,
      async inject({ method, url, headers = {}, body }) {
        let test = request(server)
          [method.toLowerCase() as 'get' | 'post' | 'delete'](url)
          .ok(() => true);
        for (const [name, value] of Object.entries(headers)) test = test.set(name, value as string);
        const response = await (body === undefined ? test : test.send(body));
        return { status: response.status, headers: response.headers, body: response.text ?? '' };
      },
      close: () => app.close(),
    };
  }
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), appOptions);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  return {
    app,
    async inject({ method, url, headers, body }) {
      const response = await fastify.inject({
        method: method as 'GET' | 'POST' | 'DELETE',
        url,
        ...(headers === undefined ? {} : { headers }),
        ...(body === undefined ? {} : { payload: body }),
      });
      return {
        status: response.statusCode,
        headers: response.headers as Record<string, string | string[] | undefined>,
        body: response.body,
      };
    },
    close: () => app.close(),
  };
}
