import { runAdapterSuite } from '@portcullis/testkit';
import { PortcullisModule } from './portcullis-module.js';
import { demoModule, startApp } from './testing/app.js';

// The adapter table on @nestjs/platform-express, through supertest; the module set up with forRoot().
runAdapterSuite('nest-express', (auth, userCount) =>
  startApp('express', [PortcullisModule.forRoot({ auth }), demoModule(userCount)]),
);
