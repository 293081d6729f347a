import type { Auth } from '@portcullis/core';
import { runAdapterSuite } from '@portcullis/testkit';
import { PortcullisModule } from './portcullis-module.js';
import { demoModule, startApp } from './testing/app.js';

const AUTH = 'AUTH';

// The adapter table on @nestjs/platform-fastify, through fastify.inject(); the module set up with forRootAsync().
runAdapterSuite('nest-fastify', (auth, userCount) =>
  startApp('fastify', [
    PortcullisModule.forRootAsync({
      useFactory: (built: Auth) => ({ auth: built }),
      inject: [AUTH],
      provideInjectionTokensFrom: [{ provide: AUTH, useValue: auth }],
    }),
    demoModule(userCount),
  ]),
);
