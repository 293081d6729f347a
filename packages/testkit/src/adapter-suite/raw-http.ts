import { connect, type Socket } from 'node:net';

/** One request as written on the wire: the body goes out with a `Content-Length`. */
export interface RawHttpRequest {
  method: string;
  path: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

/** One response as read off the wire; header names lower-case, repeated headers joined with ", ". */
export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What happened to each request sent on one connection: its response, or how the connection ended before
 * one came (`'reset'` for ECONNRESET/EPIPE, `'closed'` for an orderly close), or `'timeout'` when nothing
 * came in time.
 */
export type RawOutcome = RawHttpResponse | 'reset' | 'closed' | 'timeout';

type Ended = 'reset' | 'closed' | 'timeout';

const isEnded = (value: unknown): value is Ended =>
  value === 'reset' || value === 'closed' || value === 'timeout';

/**
 * Reads HTTP/1.1 responses off one socket, in order: status line, headers (names lower-case, repeats joined
 * with ", "), then a Content-Length, chunked, or read-to-close body; 1xx interim answers are skipped. A response
 * the connection ended before is `'reset'` (ECONNRESET/EPIPE) or `'closed'`; `timeOut()` makes it `'timeout'`.
 */
export class ResponseReader {
  #buffer = Buffer.alloc(0);
  #ended: Ended | undefined;
  #wake: (() => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#ended ??= error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'closed';
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#ended ??= 'closed';
      this.#wake?.();
    });
  }

  timeOut(): void {
    this.#ended ??= 'timeout';
    this.#wake?.();
  }

  /** A fresh deadline for the next response (a timeout belongs to one response, not the connection). */
  resetTimeout(): void {
    if (this.#ended === 'timeout') this.#ended = undefined;
  }

  async #until<T>(ready: (buffer: Buffer) => T | undefined): Promise<T | Ended> {
    for (;;) {
      const found = ready(this.#buffer);
      if (found !== undefined) return found;
      if (this.#ended !== undefined) return this.#ended;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #take(length: number): Buffer {
    const taken = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return taken;
  }

  async #line(): Promise<string | Ended> {
    const end = await this.#until((buffer) => {
      const index = buffer.indexOf('\r\n');
      return index === -1 ? undefined : index;
    });
    if (isEnded(end)) return end;
    const line = this.#take(end).toString('latin1');
    this.#take(2);
    return line;
  }

  async #bytes(length: number): Promise<Buffer | Ended> {
    const ready = await this.#until((buffer) => (buffer.length >= length ? true : undefined));
    return ready === true ? this.#take(length) : ready;
  }

  /** Everything until the server closes: the body of a response with neither length nor chunking. */
  async #rest(): Promise<Buffer> {
    await this.#until(() => undefined);
    return this.#take(this.#buffer.length);
  }

  async read(method: string): Promise<RawOutcome> {
    for (;;) {
      const statusLine = await this.#line();
      if (isEnded(statusLine)) return statusLine;
      const status = Number(statusLine.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (;;) {
        const line = await this.#line();
        if (isEnded(line)) return line;
        if (line === '') break;
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      if (status >= 100 && status < 200) continue; // 100 Continue: the final answer follows
      if (method === 'HEAD' || status === 204 || status === 304) return { status, headers, body: '' };
      if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
        const chunks: Buffer[] = [];
        for (;;) {
          const sizeLine = await this.#line();
          if (isEnded(sizeLine)) return sizeLine;
          const size = Number.parseInt(sizeLine.split(';')[0]!, 16);
          const chunk = await this.#bytes(size + 2);
          if (isEnded(chunk)) return chunk;
          if (size === 0) break;
          chunks.push(chunk.subarray(0, size));
        }
        return { status, headers, body: Buffer.concat(chunks).toString('utf8') };
      }
      if (headers['content-length'] === undefined)
        return { status, headers, body: (await this.#rest()).toString('utf8') };
      const body = await this.#bytes(Number(headers['content-length']));
      if (isEnded(body)) return body;
      return { status, headers, body: body.toString('utf8') };
    }
  }
}

function serialize(request: RawHttpRequest, host: string): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${host}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}

/**
 * Sends `requests` one after another on ONE keep-alive TCP connection (each written whole, the next only
 * once the previous response has been read), as a browser or a pooled client reuses a connection. Returns
 * what came back for each: a response, or `'reset'`/`'closed'` when the server ended the connection first.
 * A server that answered `Connection: close` is not sent anything more. Each response must start within
 * `timeoutMs` of its request being written.
 *
 * @example
 * const [tooLarge, next] = await onOneConnection(port, [
 *   { method: 'POST', path: '/auth/login', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(20_000) },
 *   { method: 'GET', path: '/healthz' },
 * ]);
 */
export async function onOneConnection(
  port: number,
  requests: readonly RawHttpRequest[],
  { host = '127.0.0.1', timeoutMs = 3000 }: { host?: string; timeoutMs?: number } = {},
): Promise<RawOutcome[]> {
  const socket = connect(port, host);
  socket.setNoDelay(true);
  const reader = new ResponseReader(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const outcomes: RawOutcome[] = [];
  try {
    for (const request of requests) {
      if (outcomes.length > 0) {
        const previous = outcomes[outcomes.length - 1]!;
        if (typeof previous === 'string' || previous.headers['connection']?.toLowerCase() === 'close') break;
      }
      // A write to a connection the server already reset fails; the reader reports it as the outcome.
      socket.write(serialize(request, `${host}:${port}`), () => undefined);
      reader.resetTimeout();
      const timer = setTimeout(() => reader.timeOut(), timeoutMs);
      outcomes.push(await reader.read(request.method));
      clearTimeout(timer);
    }
  } finally {
    socket.destroy();
  }
  return outcomes;
}
