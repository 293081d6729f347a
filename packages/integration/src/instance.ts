// One app instance on bare node:http, configured from the environment like the demo apps. The
// multi-instance and fault tests start several of these as separate processes.
import { createServer } from 'node:http';
import { closeOnSignals, createDemoAuth } from '@portcullis/demo-kit';
import { createNodeListener } from '@portcullis/testkit';

const demo = await createDemoAuth(process.env['INSTANCE_NAME'] ?? 'instance');
const server = createServer(createNodeListener(demo.auth, () => demo.users.count()));
server.listen(demo.port, demo.config.host, () => {
  console.log(`ready ${demo.baseUrl} (${demo.storage})`);
});

closeOnSignals(async () => {
  server.close();
  await demo.close();
});
