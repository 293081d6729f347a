import { createServer } from 'node:net';

/** A port the OS reports free on `host` right now (for `PORT=0`: the app must know its URL before listening). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
