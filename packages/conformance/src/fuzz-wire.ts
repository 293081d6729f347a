// The HTTP fuzz's transport: raw bytes on one TCP connection (so that request lines, framing and headers
// can be as broken as the generator likes), and a reader of whatever comes back — responses, or how the
// connection ended. Loopback only.
import { connect, type Socket } from 'node:net';

/** One request as bytes, and what the fuzzer knows about it. */
export interface WireRequest {
  /** A short description for reports (method, path, what is odd about it). */
  label: string;
  /** What is odd about it, for the tally: its framing, or which malformed request it is. */
  kind: string;
  method: string;
  bytes: Buffer;
  /**
   * A body over the 16 KiB limit: the server may answer 413 and close while the client is still sending,
   * and the kernel's reset can then overtake the answer (no lingering close). Tolerated, and tallied.
   */
  oversizedBody?: boolean;
  /**
   * Whether this is a complete, well-formed HTTP/1.1 request: a server must then answer it, and after an
   * answer without `Connection: close`, answer the next request on the connection too.
   */
  wellFormed: boolean;
}

export interface WireResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export type WireOutcome = WireResponse | 'reset' | 'closed' | 'timeout';

type Ended = 'reset' | 'closed' | 'timeout';
const isEnded = (value: unknown): value is Ended =>
  value === 'reset' || value === 'closed' || value === 'timeout';

/** Reads HTTP/1.1 responses off a socket: status line, headers, a Content-Length, chunked, or to-close body. */
class ResponseReader {
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

  async read(method: string): Promise<WireOutcome> {
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

export interface ConnectionOptions {
  /** A loopback source address (127.x.y.z): the app sees another client, with limits of its own. */
  localAddress: string;
  /** How long each response may take to start and finish. */
  timeoutMs: number;
  /** Write every request at once (pipelining) instead of one after each answer. */
  pipeline?: boolean;
  /** Half-close after the last request (a truncated request then ends instead of waiting for more). */
  endAfterWrite?: boolean;
}

/**
 * Sends `requests` on ONE connection to 127.0.0.1:`port` and returns an outcome per request sent: its
 * response, or how the connection ended first. Stops sending after a `Connection: close` answer or an end.
 */
export async function sendOnOneConnection(
  port: number,
  requests: readonly WireRequest[],
  options: ConnectionOptions,
): Promise<WireOutcome[]> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
  socket.setNoDelay(true);
  const reader = new ResponseReader(socket);
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  if (!connected) return requests.map(() => 'reset');
  const write = (request: WireRequest, last: boolean) => {
    // A write to a connection the server already ended fails; the reader reports that as the outcome.
    if (!socket.writable) return;
    socket.write(request.bytes, () => undefined);
    if (last && options.endAfterWrite) socket.end();
  };
  const outcomes: WireOutcome[] = [];
  try {
    if (options.pipeline)
      for (const [i, request] of requests.entries()) write(request, i === requests.length - 1);
    for (const [i, request] of requests.entries()) {
      const previous = outcomes.at(-1);
      if (
        previous !== undefined &&
        (isEnded(previous) || /close/i.test(previous.headers['connection'] ?? ''))
      )
        break;
      if (!options.pipeline) write(request, i === requests.length - 1);
      reader.resetTimeout();
      const timer = setTimeout(() => reader.timeOut(), options.timeoutMs);
      outcomes.push(await reader.read(request.method));
      clearTimeout(timer);
    }
  } finally {
    socket.destroy();
  }
  return outcomes;
}
