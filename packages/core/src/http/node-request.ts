import type { AuthRequest, RequestHeaders } from './types.js';

/**
 * Builds neutral headers from Node's `rawHeaders` (name, value, name, value…): names lower-cased, repeated
 * headers kept as arrays. Node's parsed `headers` object silently drops a second `Authorization` header;
 * the raw list does not, so several credentials can be refused instead of one being picked.
 *
 * @example const headers = headersFromRawHeaders(req.rawHeaders);
 */
export function headersFromRawHeaders(rawHeaders: readonly string[]): RequestHeaders {
  const headers: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (typeof existing === 'string') headers[name] = [existing, value];
    else existing.push(value);
  }
  return headers;
}

/**
 * Headers that carry a credential, which never contains a comma: a second copy must be seen (and refused),
 * though Node keeps only the first `Authorization` and Fetch joins repeats with ", ".
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key']);

function rawValues(rawHeaders: readonly string[], name: string): string | string[] | undefined {
  let found: string | string[] | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i]!;
    if (raw.length !== name.length || raw.toLowerCase() !== name) continue;
    const value = rawHeaders[i + 1]!;
    found = found === undefined ? value : typeof found === 'string' ? [found, value] : [...found, value];
  }
  return found;
}

/** Whether `Authorization` or `X-API-Key` occurs more than once among the raw header names. */
function repeatsCredentialHeader(rawHeaders: readonly string[]): boolean {
  let authorization = 0;
  let apiKey = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Compared by length first: lower-casing every header name would cost more than the check saves.
    if (name.length === 13 && name.toLowerCase() === 'authorization') authorization++;
    else if (name.length === 9 && name.toLowerCase() === 'x-api-key') apiKey++;
  }
  return authorization > 1 || apiKey > 1;
}

/**
 * Neutral headers over a Node request without copying them: Node's parsed `headers` itself, unless
 * `Authorization` or `X-API-Key` was sent more than once; then those two are read from `rawHeaders`, so that
 * the repeated one arrives as several values (Node's own object silently drops a second `Authorization`)
 * and is refused. The cheapest form for Node-based adapters.
 *
 * @example const headers = headersFromNode(req);
 */
export function headersFromNode(message: {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawHeaders: readonly string[];
}): RequestHeaders {
  // The common case, one credential header or none: Node's own object, as it is (no copy, no proxy).
  if (!repeatsCredentialHeader(message.rawHeaders)) return message.headers;
  return new Proxy(message.headers, {
    get(target, name) {
      if (typeof name === 'string' && CREDENTIAL_HEADERS.has(name))
        return rawValues(message.rawHeaders, name);
      return Reflect.get(target, name);
    },
  });
}

/**
 * Builds neutral headers from a Fetch `Headers` object (Hono, Workers, Bun, Deno). Fetch joins repeated
 * headers with ", ", which a bearer token can never contain, so a doubled `Authorization` is still refused.
 *
 * @example const headers = headersFromFetch(c.req.raw.headers);
 */
export function headersFromFetch(headers: {
  forEach(callback: (value: string, name: string) => void): void;
}): RequestHeaders {
  const out: Record<string, string | string[]> = Object.create(null);
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    // A credential never contains a comma: a joined value was several headers, and is refused as such.
    out[lower] =
      CREDENTIAL_HEADERS.has(lower) && value.includes(',') ? value.split(',').map((v) => v.trim()) : value;
  });
  return out;
}

/**
 * How much of an oversized body is still read off the connection, and thrown away, after the limit: enough
 * that a client which sent a few megabytes by mistake can reuse its keep-alive connection; a client still
 * sending after that is cut off (its connection closed), as it is sending far more than any auth route takes.
 */
export const MAX_DISCARDED_BODY_BYTES = 8 * 1024 * 1024;

function bufferOf(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string'
    ? Buffer.from(chunk)
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Reads the rest of a body and forgets it, up to `budget` bytes; past that, ends the stream (and connection). */
async function discardRest(iterator: AsyncIterator<Uint8Array | string>, budget: number): Promise<void> {
  let discarded = 0;
  try {
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) return;
      discarded += typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
      if (discarded > budget) {
        await iterator.return?.();
        return;
      }
    }
  } catch {
    // The client went away: nothing is left to discard.
  }
}

/**
 * Reads a request body as text, at most `limit` bytes plus one: enough for core to refuse an oversized body
 * with 413 without ever buffering a huge one. The stream is never cut off at the limit: destroying a Node
 * request (or cancelling @hono/node-server's stream) resets the connection, so a keep-alive client would see
 * its next request fail. The rest is read in the background and thrown away — as Node itself does with a
 * body no handler read — up to `MAX_DISCARDED_BODY_BYTES`, while the 413 is answered at once.
 *
 * @example const body = await readBodyText(req, MAX_AUTH_BODY_BYTES);
 */
export async function readBodyText(
  stream: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<string> {
  const iterator = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const { done, value } = await iterator.next();
    if (done) return Buffer.concat(chunks).toString('utf8');
    const buffer = bufferOf(value);
    chunks.push(buffer);
    size += buffer.length;
  }
  void discardRest(iterator, MAX_DISCARDED_BODY_BYTES);
  return Buffer.concat(chunks)
    .subarray(0, limit + 1)
    .toString('utf8');
}

/** The response body as the text to send: JSON, or `undefined` for an empty body. */
export function responseBodyText(response: { body?: unknown }): string | undefined {
  return response.body === undefined ? undefined : JSON.stringify(response.body);
}

/**
 * Core's neutral request over a Node-based framework's request, for adapters: the fields are read once,
 * the socket's address only when core asks for it (login throttling). A class with a getter on its
 * prototype: one small object per request, no closure.
 *
 * @example
 * const remoteAddressOf = (req: Request) => req.socket.remoteAddress; // at module level
 * new NodeAuthRequest(req.method, req.originalUrl, headersFromNode(req), req.params, req, remoteAddressOf);
 */
export class NodeAuthRequest<Source> implements AuthRequest {
  readonly #source: Source;
  readonly #readRemoteAddress: (source: Source) => string | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: RequestHeaders,
    readonly params: Readonly<Record<string, string>>,
    source: Source,
    /** Reads the socket's peer address: a module-level function, so that no closure is made per request. */
    readRemoteAddress: (source: Source) => string | undefined,
    readonly body?: unknown,
  ) {
    this.#source = source;
    this.#readRemoteAddress = readRemoteAddress;
  }

  get remoteAddress(): string | undefined {
    return this.#readRemoteAddress(this.#source);
  }
}
