import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorHandler } from './client-error.js';

/** Sends raw bytes on a fresh connection; resolves everything the server wrote before closing. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
  });
}

describe('clientErrorHandler', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = Fastify({ clientErrorHandler });
    app.get('/healthz', async () => ({ status: 'ok' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it('answers a malformed request with the contract error, the security headers and Connection: close', async () => {
    const answer = await raw(
      port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\nConnection: close(\r\n|$)/);
    expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff(\r\n|$)/i);
    expect(head).toMatch(/\r\nStrict-Transport-Security: max-age=31536000; includeSubDomains(\r\n|$)/i);
    expect(JSON.parse(body!)).toEqual({ error: 'invalid_request', error_description: 'Malformed request' });
    // The pipelined request after it is not answered on this connection: the close was announced.
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it('answers a header section over the limit with 431', async () => {
    const answer = await raw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
  });
});
