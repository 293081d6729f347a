import type { AddressInfo } from 'node:net';
import { runKeepAliveSuite } from '@portcullis/testkit';
import { PortcullisModule } from './portcullis-module.js';
import { type Platform, startApp } from './testing/app.js';

// Over a real socket on both platforms, with Nest's own body parsers in front (as in any Nest app).
for (const platform of ['express', 'fastify'] as const satisfies readonly Platform[]) {
  runKeepAliveSuite(`nest-${platform}`, async (auth) => {
    const { app, close } = await startApp(platform, [PortcullisModule.forRoot({ auth })], { logger: false });
    await app.listen(0, '127.0.0.1');
    return { port: (app.getHttpServer().address() as AddressInfo).port, close };
  });
}
