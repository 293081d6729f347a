// The HTTP fuzz's generator: connections of one to four requests to a demo, as bytes — the contract's routes
// with real and broken credentials, bodies of every kind, and broken framing (chunked junk, bad or doubled
// Content-Length, oversized heads, malformed request lines). Plans are made from a seeded random source,
// with placeholders for credentials filled in from the pools when the connection opens.
import { CONTENT_TYPES, credentialHeaders, extraHeaders } from './fuzz-headers.js';
import { fill, type Pools } from './fuzz-pools.js';
import type { Random } from './fuzz-random.js';
import { RAW_SPECIALS, type RawTemplate } from './fuzz-raw.js';
import { bodyFor, formBodyFor, LIMIT, ODD_PATHS, QUERIES, ROUTES } from './fuzz-routes.js';
import type { WireRequest } from './fuzz-wire.js';

/** A request before its credentials are filled in and its framing is written. */
interface HttpTemplate {
  kind: 'http';
  method: string;
  target: string;
  headers: [string, string][];
  body: string | Buffer | undefined;
  framing: Framing;
}

type Template = HttpTemplate | RawTemplate;

type Framing =
  | 'length'
  | 'chunked'
  | 'expect-continue'
  | 'chunked-junk'
  | 'length-short'
  | 'length-long'
  | 'length-twice'
  | 'length-junk'
  | 'chunked-and-length';

const WELL_FORMED_FRAMINGS = new Set<Framing>(['length', 'chunked', 'expect-continue']);

export interface ConnectionPlan {
  templates: Template[];
  /** Seeds the choices made when the bytes are written (chunk sizes, wrong lengths). */
  seed: number;
  pipeline: boolean;
  endAfterWrite: boolean;
}

/** The routes behind rate limits (and password hashing): picked more often, so the limits are reached. */
const LIMITED = new Set(['/auth/login', '/auth/session', '/auth/register', '/auth/password/forgot']);
const LIMITED_ROUTES = ROUTES.filter((route) => LIMITED.has(route.path));

function httpTemplate(r: Random, origin: string, host: string): HttpTemplate {
  const route = r.chance(0.25) ? r.pick(LIMITED_ROUTES) : r.pick(ROUTES);
  const method = r.weighted<() => string>([
    [12, () => route.method],
    [1, () => r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])],
  ])();
  const path = r.chance(0.9) ? route.path : r.pick(ODD_PATHS);
  const target = path.includes('?') || r.chance(0.85) ? path : path + r.pick(QUERIES);
  const body = route.form ? formBodyFor(r, route) : bodyFor(r, route);
  const own = route.headers?.(r) ?? [];
  const headers: [string, string][] = [
    ['Host', host],
    ...(route.ownCredential ? own : [...credentialHeaders(r, origin), ...own]),
    ...extraHeaders(r, origin),
  ];
  // A form route's own headers name its Content-Type (or leave it out on purpose).
  if (body !== undefined && !route.form && r.chance(0.9))
    headers.push(['Content-Type', r.chance(0.85) ? 'application/json' : r.pick(CONTENT_TYPES)]);
  const framing =
    body === undefined
      ? 'length'
      : r.weighted<Framing>([
          [30, 'length'],
          [3, 'chunked'],
          [2, 'expect-continue'],
          [1, 'chunked-junk'],
          [1, 'length-short'],
          [1, 'length-long'],
          [1, 'length-twice'],
          [1, 'length-junk'],
          [1, 'chunked-and-length'],
        ]);
  return { kind: 'http', method, target, headers, body, framing };
}

/** One connection: a few requests, sometimes pipelined; anything malformed comes last. */
export function planConnection(r: Random, origin: string, host: string): ConnectionPlan {
  const templates: Template[] = [];
  const count = r.weighted([
    [4, 1],
    [3, 2],
    [2, 3],
    [1, 4],
  ]);
  for (let i = 0; i < count; i++) {
    const template: Template = r.chance(0.08) ? r.pick(RAW_SPECIALS) : httpTemplate(r, origin, host);
    templates.push(template);
    if (!isWellFormed(template)) break;
  }
  // After an error, the same connection must still answer: probe it with a health check.
  if (isWellFormed(templates.at(-1)!) && r.chance(0.3))
    templates.push({
      kind: 'http',
      method: 'GET',
      target: '/healthz',
      headers: [['Host', host]],
      body: undefined,
      framing: 'length',
    });
  const last = templates.at(-1)!;
  return {
    templates,
    seed: r.int(0, 2 ** 31),
    pipeline: r.chance(0.1),
    // A request that promises more than it sends ends with a half-close instead of a wait for the timeout.
    endAfterWrite: last.kind === 'raw' ? last.label === 'head never ends' : last.framing === 'length-long',
  };
}

const isWellFormed = (template: Template) =>
  template.kind === 'raw' ? template.wellFormed : WELL_FORMED_FRAMINGS.has(template.framing);

function chunked(body: Buffer, r: Random): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = Math.min(body.length - at, r.int(1, 4096));
    parts.push(
      Buffer.from(`${size.toString(16)}\r\n`, 'latin1'),
      body.subarray(at, at + size),
      Buffer.from('\r\n'),
    );
    at += size;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** The bytes of a template with its credentials filled in, framed as it says. */
export function toWire(template: Template, pools: Pools, r: Random): WireRequest {
  if (template.kind === 'raw') {
    const text = fill(pools, template.text);
    return {
      label: template.label,
      kind: template.label,
      method: text.split(' ')[0] ?? '',
      bytes: Buffer.from(text, 'latin1'),
      wellFormed: template.wellFormed,
    };
  }
  const target = fill(pools, template.target);
  const body =
    template.body === undefined
      ? undefined
      : typeof template.body === 'string'
        ? Buffer.from(fill(pools, template.body), 'utf8')
        : template.body;
  const head = [`${template.method} ${target} HTTP/1.1`];
  for (const [name, value] of template.headers) head.push(`${name}: ${fill(pools, value)}`);
  let payload = body ?? Buffer.alloc(0);
  if (body !== undefined) {
    switch (template.framing) {
      case 'length':
        head.push(`Content-Length: ${body.length}`);
        break;
      case 'expect-continue':
        head.push('Expect: 100-continue', `Content-Length: ${body.length}`);
        break;
      case 'chunked':
        head.push('Transfer-Encoding: chunked');
        payload = chunked(body, r);
        break;
      case 'chunked-junk':
        head.push('Transfer-Encoding: chunked');
        payload = Buffer.concat([Buffer.from('zz\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]);
        break;
      case 'length-short':
        head.push(`Content-Length: ${Math.max(0, body.length - r.int(1, 10))}`);
        break;
      case 'length-long':
        head.push(`Content-Length: ${body.length + r.int(1, 1000)}`);
        break;
      case 'length-twice':
        head.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
        break;
      case 'length-junk':
        head.push(`Content-Length: ${r.pick(['abc', '-1', '1e3', ' ', '0x10', '99999999999999999999'])}`);
        break;
      case 'chunked-and-length':
        head.push('Transfer-Encoding: chunked', `Content-Length: ${body.length}`);
        payload = chunked(body, r);
        break;
    }
  }
  const label = `${template.method} ${target.slice(0, 80)} [${template.framing}${body === undefined ? '' : `, ${body.length} B`}]`;
  const headText = `${head.join('\r\n')}\r\n\r\n`;
  // Node refuses a head over 16 KiB itself (431, or a plain close on a reused connection), and a target
  // that is not ASCII (400): such requests are the server's to refuse, whatever their framing.
  const oversized = headText.length > 15 * 1024;
  const nonAscii = /[^\x21-\x7e]/.test(target);
  const odd = oversized ? 'oversized head' : nonAscii ? 'non-ASCII target' : template.framing;
  return {
    label,
    kind: odd,
    method: template.method,
    bytes: Buffer.concat([Buffer.from(headText, 'latin1'), payload]),
    wellFormed: isWellFormed(template) && !oversized && !nonAscii,
    oversizedBody: payload.length > LIMIT,
  };
}
