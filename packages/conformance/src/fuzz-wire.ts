// The HTTP fuzz's transport: raw bytes on one TCP connection (so that request lines, framing and headers
// can be as broken as the generator likes), and a reader of whatever comes back — responses, or how the
// connection ended. Loopback only.
import { connect } from 'node:net';
import { type RawHttpResponse, type RawOutcome, ResponseReader } from '@portcullis/testkit';

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

export type WireResponse = RawHttpResponse;
export type WireOutcome = RawOutcome;

const isEnded = (value: unknown): value is 'reset' | 'closed' | 'timeout' => typeof value === 'string';

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
