import type { Socket } from 'node:net';
import { SECURITY_HEADERS } from '@portcullis/core/adapter';

// Node's parser errors, as Fastify's own default handler sorts them.
const ANSWERS: Readonly<Record<string, [status: number, reason: string, description: string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request header fields too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Request timeout'],
};
const MALFORMED: [number, string, string] = [400, 'Bad Request', 'Malformed request'];

/**
 * Fastify's `clientErrorHandler` for requests Node's HTTP parser refuses (a malformed request line or
 * framing, a header section over the limit, a request timeout). Fastify's default answers them, then closes
 * the connection without saying so; this one answers with the contract's JSON error, the security headers
 * and `Connection: close`, so a keep-alive client knows not to send its next request on that connection.
 * The request could not be read, so no auth decision is involved: nothing of it reaches core.
 *
 * @example const app = Fastify({ clientErrorHandler });
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, description] = ANSWERS[error.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify({ error: 'invalid_request', error_description: description });
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    Connection: 'close',
    ...SECURITY_HEADERS,
  };
  if (socket.writable) {
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n${body}`);
  }
  socket.destroy();
}
