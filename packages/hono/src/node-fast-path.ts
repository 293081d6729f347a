import {
  type AuthRequest,
  headersFromNode,
  headersFromRawHeaders,
  SECURITY_HEADERS,
} from '@portcullis/core/adapter';
import type { Context } from 'hono';

// The adapter's only use of Node internals: what @hono/node-server puts in `c.env` (Node's request as
// `incoming`, its response as `outgoing`). Anywhere else — edge runtimes, Bun, Deno, `app.request()` —
// both functions find nothing and the adapter goes through Hono's own API alone.
//
// Why it exists: @hono/node-server builds a Fetch `Headers` only when one is asked for, and Hono's API
// asks for two on every protected or secured request: the request's (`c.req.raw.headers`, from Node's raw
// list, which core then copies again) and the response's (`c.res.headers`, from the record a handler gave,
// turned back into a record for Node as it writes). Without them a small route is measurably slower:
// packages/bench/README.md, "Hono adapter: Node internals removed".

/** What `nodeRequestOf` reads of Node's `IncomingMessage`. */
type NodeIncoming = Parameters<typeof headersFromNode>[0] & { method?: string; url?: string };

/** What `secureOnNodeWrite` needs of Node's `ServerResponse`. */
interface NodeOutgoing {
  writeHead(statusCode: number, ...rest: unknown[]): unknown;
  removeHeader(name: string): unknown;
}

/**
 * Core's neutral request read from Node's request under @hono/node-server — method, path with query (as
 * Express's `originalUrl`), Node's own headers with repeated credentials read from the raw list — or
 * `undefined` anywhere else.
 */
export function nodeRequestOf(c: Context): AuthRequest | undefined {
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (incoming === undefined || !Array.isArray(incoming.rawHeaders) || typeof incoming.url !== 'string') {
    return undefined;
  }
  return { method: incoming.method ?? c.req.method, url: incoming.url, headers: headersFromNode(incoming) };
}

/** Header names `secureOnNodeWrite` owns, lower-cased: the security headers, and `X-Powered-By`. */
const OWNED: ReadonlySet<string> = new Set([...Object.keys(SECURITY_HEADERS), 'x-powered-by']);

/** `given` without the owned headers, whatever their case, plus the security headers: a copy. */
function securedRecord(given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name in given) if (!OWNED.has(name.toLowerCase())) headers[name] = given[name];
  return Object.assign(headers, SECURITY_HEADERS);
}

/** The same for a raw list, flat (`[name, value, …]`) or of pairs (`[[name, value], …]`), as Node takes both. */
function securedList(given: readonly unknown[]): Record<string, unknown> {
  const flat = Array.isArray(given[0]) ? given.flat() : given;
  return securedRecord(headersFromRawHeaders(flat as string[]));
}

/**
 * Under @hono/node-server: wraps this request's `writeHead`, through which every response it writes goes
 * (its own 500s and a handler writing to Node directly included), so that the security headers replace the
 * owned ones and `X-Powered-By` goes, the way `on-headers` hooks it; answers `true`. Anywhere else it
 * changes nothing and answers `false`. The header list given to `writeHead` is copied, never changed.
 */
export function secureOnNodeWrite(c: Context): boolean {
  const outgoing = (c.env as { outgoing?: Partial<NodeOutgoing> } | undefined)?.outgoing;
  if (typeof outgoing?.writeHead !== 'function' || typeof outgoing.removeHeader !== 'function') return false;
  const writeHead = outgoing.writeHead;
  outgoing.writeHead = function securedWriteHead(this: NodeOutgoing, statusCode: number, ...rest: unknown[]) {
    const at = typeof rest[0] === 'string' ? 1 : 0; // (statusCode, statusMessage?, headers?)
    const given = rest[at];
    rest[at] = Array.isArray(given)
      ? securedList(given)
      : securedRecord(typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {});
    // Set earlier with setHeader(): Node merges the record above over it, but would keep this one.
    this.removeHeader('x-powered-by');
    return writeHead.call(this, statusCode, ...rest);
  };
  return true;
}
