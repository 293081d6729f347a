import type { RequestHeaders } from './types.js';

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
      SINGLE_CREDENTIAL_HEADERS.has(lower) && value.includes(',')
        ? value.split(',').map((v) => v.trim())
        : value;
  });
  return out;
}

const SINGLE_CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key']);

/**
 * Reads a request body as text, at most `limit` bytes plus one: enough for core to refuse an oversized body
 * with 413 without ever buffering a huge one.
 *
 * @example const body = await readBodyText(req, MAX_AUTH_BODY_BYTES);
 */
export async function readBodyText(
  stream: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    chunks.push(buffer);
    size += buffer.length;
    if (size > limit) break;
  }
  return Buffer.concat(chunks)
    .subarray(0, limit + 1)
    .toString('utf8');
}

/** The response body as the text to send: JSON, or `undefined` for an empty body. */
export function responseBodyText(response: { body?: unknown }): string | undefined {
  return response.body === undefined ? undefined : JSON.stringify(response.body);
}
