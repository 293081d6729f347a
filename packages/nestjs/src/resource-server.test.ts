import { Controller, Get, Module } from '@nestjs/common';
import type { AuthContext } from '@portcullis/core';
import { runResourceServerSuite } from '@portcullis/testkit';
import { CurrentPrincipal, Scopes } from './decorators.js';
import { PortcullisModule } from './portcullis-module.js';
import { startApp } from './testing/app.js';

/** One route under the global guard, for tokens from an external authorization server. */
@Controller()
class ReportsController {
  @Get('reports')
  @Scopes('reports:read')
  reports(@CurrentPrincipal() principal: AuthContext) {
    return { subject: principal.subject };
  }
}

@Module({ controllers: [ReportsController] })
class ReportsModule {}

// The same module and guard in front of createResourceServer(), on both platforms.
for (const platform of ['express', 'fastify'] as const) {
  runResourceServerSuite(`nest-${platform}`, (resourceServer) =>
    startApp(platform, [PortcullisModule.forRoot({ auth: resourceServer }), ReportsModule]),
  );
}
