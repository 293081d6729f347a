import { headersFromRawHeaders, SECURITY_HEADERS } from '@portcullis/core/http';
import type { MiddlewareHandler } from 'hono';

/** Header names the middleware owns, lower-cased: its own, and `X-Powered-By`, which it removes. */
const OWNED: ReadonlySet<string> = new Set([...Object.keys(SECURITY_HEADERS), 'x-powered-by']);

function apply(headers: Headers): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  headers.delete('x-powered-by');
}

/** After `next()`: on the response Hono holds (every runtime but Node). */
function applyToResponse(c: Parameters<MiddlewareHandler>[0]): void {
  try {
    apply(c.res.headers);
  } catch {
    // Immutable headers (a fetch() response or Response.redirect() passed through): set them on a copy,
    // and replace the original rather than let Hono merge into it.
    const copy = new Response(c.res.body, c.res);
    apply(copy.headers);
    c.res = undefined;
    c.res = copy;
  }
}

/** What `applyOnWrite` needs of @hono/node-server's `c.env.outgoing` (Node's `ServerResponse`). */
interface NodeOutgoing {
  writeHead(statusCode: number, ...rest: unknown[]): unknown;
  removeHeader(name: string): unknown;
}

function nodeOutgoing(c: Parameters<MiddlewareHandler>[0]): NodeOutgoing | undefined {
  const outgoing = (c.env as { outgoing?: Partial<NodeOutgoing> } | undefined)?.outgoing;
  return typeof outgoing?.writeHead === 'function' && typeof outgoing.removeHeader === 'function'
    ? (outgoing as NodeOutgoing)
    : undefined;
}

/** `given` (a header record) without the owned headers, whatever their case, plus the security headers. */
function securedRecord(given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name in given) if (!OWNED.has(name.toLowerCase())) headers[name] = given[name];
  return Object.assign(headers, SECURITY_HEADERS);
}

/**
 * The same for a raw list, flat (`[name, value, …]`) or of pairs (`[[name, value], …]`), as Node takes both:
 * read as a record by core's `headersFromRawHeaders` (names lower-cased, repeats kept as arrays).
 */
function securedList(given: readonly unknown[]): Record<string, unknown> {
  const flat = Array.isArray(given[0]) ? given.flat() : given;
  return securedRecord(headersFromRawHeaders(flat as string[]));
}

/**
 * On Node: the headers go into Node's `writeHead` call, which every response @hono/node-server writes goes
 * through (its own 500s included), the way `on-headers` (express-session, compression) hooks it. Reading
 * `c.res.headers` instead makes @hono/node-server build a `Headers` object for a response it would
 * otherwise write straight from a plain record: 3–9 µs a request more than an empty middleware, against
 * 1–3 µs this way, on a 20–30 µs JSON route (five runs here; README, *Security headers*). The header list
 * given to `writeHead` is copied, never changed.
 */
function applyOnWrite(outgoing: NodeOutgoing): void {
  const writeHead = outgoing.writeHead;
  outgoing.writeHead = function securedWriteHead(this: NodeOutgoing, statusCode, ...rest) {
    const at = typeof rest[0] === 'string' ? 1 : 0; // (statusCode, statusMessage?, headers?)
    const given = rest[at];
    rest[at] = Array.isArray(given)
      ? securedList(given)
      : securedRecord(typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {});
    // Set earlier with setHeader(): Node merges the list above over it, but would keep this one.
    this.removeHeader('x-powered-by');
    return writeHead.call(this, statusCode, ...rest);
  };
}

/**
 * Sets the contract's security headers (`nosniff`, `X-Frame-Options: DENY`, HSTS, `Referrer-Policy:
 * no-referrer`) on every response, errors and 404s included, over any value a handler set, and removes
 * `X-Powered-By`. Mount it first. On Node (@hono/node-server) they are added as Node writes the response,
 * so they are not in `c.res.headers`; elsewhere they are set on `c.res` after the handlers ran.
 *
 * @example app.use(securityHeaders());
 */
export function securityHeaders(): MiddlewareHandler {
  return function portcullisSecurityHeaders(c, next) {
    const outgoing = nodeOutgoing(c);
    if (outgoing === undefined) return next().then(() => applyToResponse(c));
    applyOnWrite(outgoing);
    return next();
  };
}
