// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// Arbitraries of whole requests to `createAuth`'s routes. A generated value names a world's credentials
// symbolically (`{{refresh:2}}`, `{{apiKey:0~5}}` for that key with its 6th character changed), so that a
// counterexample reads well, shrinks, and replays against any fresh world.
import fc from 'fast-check';
import type { AuthRequest } from '../http/types.js';
import { ORIGIN, type PoolName, PROVIDER, type Target, type World } from './test-fuzz-world.js';

/** `{{pool:n}}`, `{{pool:n~i}}` (character i changed) or `{{pool:n<}}` (last character dropped). */
const PLACEHOLDER = /\{\{([a-zA-Z]+):(\d+)(?:~(\d+)|(<))?\}\}/g;

/** Which value of a pool: mostly the first two (Alice's and the admin's, where a pool has both). */
const index = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1) }, fc.nat(6));

const exact = (pool: PoolName) => index.map((n) => `{{${pool}:${n}}}`);

const ref = (pool: PoolName) =>
  fc.oneof(
    { weight: 6, arbitrary: exact(pool) },
    { weight: 1, arbitrary: fc.tuple(index, fc.nat(400)).map(([n, i]) => `{{${pool}:${n}~${i}}}`) },
    { weight: 1, arbitrary: index.map((n) => `{{${pool}:${n}<}}`) },
  );

/** Replaces every placeholder with the world's value (or an obviously fake one when the pool is empty). */
export function resolve(world: World, text: string): string {
  return text.replace(PLACEHOLDER, (_match, pool: string, n: string, at?: string, cut?: string) => {
    const values = world.pools[pool as PoolName] ?? [];
    if (values.length === 0) return `no-${pool}`;
    const value = values[Number(n) % values.length]!;
    if (cut !== undefined) return value.slice(0, -1);
    if (at === undefined || value.length === 0) return value;
    const i = Number(at) % value.length;
    return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
  });
}

function resolveDeep(world: World, value: unknown): unknown {
  if (typeof value === 'string') return resolve(world, value);
  if (Array.isArray(value)) return value.map((item) => resolveDeep(world, item));
  if (value !== null && typeof value === 'object') {
    // defineProperty: a generated `__proto__` key stays an own member, as JSON.parse would make it.
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(out, key, { value: resolveDeep(world, item), enumerable: true, writable: true });
    return out;
  }
  return value;
}

// ── strings ──────────────────────────────────────────────────────────────────────────────────────────

const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83d', '\u0000', '\r\n', '\u2028', '\ufeff'];

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    ...LONE_SURROGATES,
    '',
    ' ',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '%',
    '%zz',
    '"',
  ),
  fc.nat(70_000).map((n) => 'x'.repeat(n)),
);

// ── headers ──────────────────────────────────────────────────────────────────────────────────────────

const authorization = fc.oneof(
  { weight: 5, arbitrary: ref('access').map((t) => `Bearer ${t}`) },
  ref('access').map((t) => `bearer ${t}`),
  ref('access').map((t) => `Bearer  ${t}`),
  ref('access').map((t) => `Bearer ${t} extra`),
  ref('access').map((t) => `Basic ${t}`),
  fc.oneof(ref('refresh'), ref('apiKey'), ref('session')).map((t) => `Bearer ${t}`),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'bearer',
    'Basic dXNlcjpwYXNz',
    'Bearer a.b.c',
    'Bearer ==',
    'Digest x',
  ),
  // An unsigned token: alg none must never pass.
  fc.constant(
    `Bearer ${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["admin"]}').toString('base64url')}.`,
  ),
  junk.map((j) => `Bearer ${j}`),
  junk,
);

const cookieName = fc.constantFrom(
  '__Host-portcullis-access',
  '__Host-portcullis-refresh',
  '__Host-portcullis-sid',
  '__Host-portcullis-device',
  `__Host-portcullis-oauth-${PROVIDER}`,
  '__Host-portcullis-oauth-nope',
  '__proto__',
  'constructor',
  'theme',
);

// A Map: the generator's own names include `__proto__`.
const cookieValueFor = new Map<string, fc.Arbitrary<string>>([
  ['__Host-portcullis-access', ref('access')],
  ['__Host-portcullis-refresh', ref('refresh')],
  ['__Host-portcullis-sid', ref('session')],
  ['__Host-portcullis-device', ref('device')],
  [`__Host-portcullis-oauth-${PROVIDER}`, ref('oauthCookie')],
]);

const cookiePair = cookieName.chain((name) =>
  fc
    .oneof(
      { weight: 4, arbitrary: cookieValueFor.get(name) ?? junk },
      junk,
      (cookieValueFor.get(name) ?? junk).map((v) => `"${v}"`),
      fc.constant(''),
      fc.constant('x'.repeat(5000)),
    )
    .map((value) => `${name}=${value}`),
);

const cookie = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(cookiePair, { minLength: 1, maxLength: 4 }).map((pairs) => pairs.join('; ')),
  },
  fc.constantFrom(';;==', '=', 'a', '; ; ;', '__Host-portcullis-sid'),
  junk,
);

const origin = fc.constantFrom(
  ORIGIN,
  ORIGIN,
  ORIGIN,
  'null',
  'http://evil.example',
  'http://127.0.0.1:3000/',
  'HTTP://127.0.0.1:3000',
  'http://127.0.0.1:80',
  'http://127.0.0.1:3000.evil.example',
  '',
);

const apiKey = fc.oneof(
  { weight: 4, arbitrary: ref('apiKey') },
  fc.tuple(ref('apiKey'), ref('apiKey')).map(([a, b]) => `${a},${b}`),
  fc.constantFrom('pc_live_', 'pc_live_0000000000000000000000000000000000000000000_000000', 'pc_test_x'),
  ref('apiKeyId').map((id) => `pc_live_${id}`),
  junk,
);

const forwardedFor = fc.oneof(
  fc.constantFrom(
    '203.0.113.5',
    '203.0.113.5, 10.0.0.1',
    '2001:db8::1',
    '[2001:db8::1]:443',
    '203.0.113.9:8080',
    'unknown',
    '999.1.1.1',
    ',,,',
    '',
    '127.0.0.1',
  ),
  fc.nat(3000).map((n) => Array.from({ length: n }, (_, i) => `10.0.${i % 250}.${i % 200}`).join(', ')),
  junk,
);

const contentType = fc.constantFrom(
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/jsonx',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  'application/json, text/plain',
);

const single = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: arb }, fc.array(arb, { minLength: 0, maxLength: 3 }));

/** Sometimes: a header the request carries besides its credential, mostly absent. */
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, single(arb));

/** The credential a request mainly rides on, so that most requests get past authentication. */
const credential: fc.Arbitrary<{ headers: Record<string, string>; query?: string }> = fc.oneof(
  { weight: 3, arbitrary: exact('access').map((t) => ({ headers: { authorization: `Bearer ${t}` } })) },
  fc.tuple(exact('access'), exact('refresh'), fc.boolean()).map(([access, refresh, both]) => ({
    headers: {
      cookie: both
        ? `__Host-portcullis-access=${access}; __Host-portcullis-refresh=${refresh}`
        : `__Host-portcullis-refresh=${refresh}`,
      origin: ORIGIN,
    },
  })),
  exact('session').map((sid) => ({ headers: { cookie: `__Host-portcullis-sid=${sid}`, origin: ORIGIN } })),
  exact('apiKey').map((key) => ({ headers: { 'x-api-key': key } })),
  exact('device').map((device) => ({ headers: { cookie: `__Host-portcullis-device=${device}` } })),
  // A started sign-in: its state cookie and, in the callback's query, the same state.
  index.map((n) => ({
    headers: { cookie: `__Host-portcullis-oauth-${PROVIDER}={{oauthCookie:${n}}}` },
    query: `?code=fuzz-code&state={{oauthState:${n}}}`,
  })),
  fc.constant({ headers: {} }),
);

const extraHeaders = fc.record({
  authorization: sometimes(authorization),
  cookie: sometimes(cookie),
  origin: sometimes(origin),
  'x-api-key': sometimes(apiKey),
  'x-forwarded-for': sometimes(forwardedFor),
  'x-forwarded-proto': sometimes(fc.constantFrom('https', 'http', 'gopher', 'https, http')),
  // Mostly JSON, so that bodies get past the media-type check; `undefined` leaves the header out.
  'content-type': fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    single(contentType),
    fc.constant(undefined),
  ),
  'content-length': sometimes(fc.constantFrom('0', '-1', '99999999999', 'abc')),
  host: sometimes(fc.constantFrom('127.0.0.1:3000', 'evil.example', '')),
});

/** The credential's headers, then the extra ones (an extra header replaces the credential's of that name). */
const headersAndQuery = fc.tuple(credential, extraHeaders).map(([main, extra]) => {
  const headers: Record<string, string | string[]> = { ...main.headers };
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) headers[name] = value;
  return { headers, query: main.query };
});

// ── bodies ───────────────────────────────────────────────────────────────────────────────────────────

const email = fc.oneof(
  { weight: 4, arbitrary: ref('email') },
  fc.nat(5).map((n) => `fuzz-${n}@example.com`),
  junk,
);
const password = fc.oneof({ weight: 4, arbitrary: ref('password') }, ref('newPassword'), junk);
const scopes = fc.oneof(
  { weight: 3, arbitrary: fc.subarray(['reports:read', 'reports:write'], { minLength: 1 }) },
  fc.subarray(['reports:read', 'reports:write', 'admin:all', '', '__proto__']),
  fc.constantFrom('reports:read', null, 42, [1]),
);
const seconds = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(60, 3600, 86_400) },
  fc.integer({ min: -10, max: 10_000_000 }),
  fc.constantFrom(0, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '60', null),
);

/** A body the route would accept, built from the world's credentials. */
function validBody(path: string): fc.Arbitrary<Record<string, unknown>> {
  switch (path) {
    case '/auth/register':
      return fc.record({ email, password });
    case '/auth/login':
    case '/auth/session':
      // Often an account's own password (both pools start Alice, admin), so that logins succeed too.
      return fc.oneof(
        index.map((n) => ({ email: `{{email:${n}}}`, password: `{{password:${n}}}` })),
        fc.record({ email, password }),
      );
    case '/auth/refresh':
      return fc.oneof(fc.record({ refresh_token: ref('refresh') }), fc.constant({}));
    case '/auth/password/change':
      return fc.oneof(
        fc.record({ current_password: exact('password'), new_password: ref('newPassword') }),
        fc.record({ current_password: password, new_password: password }),
      );
    case '/auth/verify-email':
      return fc.record({ token: ref('verify') });
    case '/auth/password/forgot':
      return fc.record({ email });
    case '/auth/password/reset':
      return fc.record({ token: ref('reset'), password });
    case '/api-keys':
      return fc.record(
        {
          name: fc.oneof({ weight: 3, arbitrary: fc.constant('fuzz key') }, junk),
          scopes,
          expires_in: seconds,
        },
        { requiredKeys: ['name', 'scopes'] },
      );
    case '/api-keys/:id/roll':
      return fc.record({ grace_seconds: seconds }, { requiredKeys: [] });
    default:
      return fc.constant({});
  }
}

/** The valid body with one member replaced by a value of another type, or removed. */
const wrongTypes = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .tuple(valid, fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)))
    .map(([body, which, replacement]) => {
      const keys = Object.keys(body);
      if (keys.length === 0) return { [String(replacement)]: replacement };
      const key = keys[which % keys.length]!;
      return { ...body, [key]: replacement };
    });

const POLLUTERS = [
  '{"__proto__":{"polluted":"yes","role":"admin"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"email":"{{email:0}}","password":"{{password:0}}"}}',
];

/** Valid members plus a prototype-pollution member, as JSON text (JSON.parse keeps `__proto__` an own key). */
const polluted = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(valid, fc.constantFrom(...POLLUTERS)).map(([body, extra]) => {
    const text = JSON.stringify(body);
    return text === '{}' ? extra : `${extra.slice(0, -1)},${text.slice(1)}`;
  });

const LIMIT = 16 * 1024;

/** A valid body padded to about `bytes` bytes, in ASCII or in 3-byte characters (bytes ≠ characters). */
const padded = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .tuple(
      valid,
      fc.oneof(
        fc.integer({ min: LIMIT - 64, max: LIMIT + 64 }),
        fc.constantFrom(LIMIT, LIMIT + 1, 1024 * 1024),
      ),
      fc.constantFrom('x', '€'),
    )
    .map(([body, bytes, unit]) => {
      const base = Buffer.byteLength(JSON.stringify({ ...body, pad: '' }));
      const units = Math.max(0, Math.floor((bytes - base) / Buffer.byteLength(unit)));
      return JSON.stringify({ ...body, pad: unit.repeat(units) });
    });

const deepNesting = fc
  .tuple(fc.integer({ min: 100, max: 200_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => open.repeat(depth) + (open === '[' ? ']' : '1}').repeat(depth));

const brokenText = fc.oneof(
  fc.constantFrom(
    '{',
    '{"email":',
    'nul',
    '[]',
    '"str"',
    '42',
    'true',
    'null',
    '{"a":1}{"b":2}',
    '\ufeff{}',
    '{}garbage',
  ),
  junk,
  deepNesting,
);

const invalidUtf8 = fc.oneof(
  fc.constantFrom(
    [0xff, 0xfe],
    [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d],
    [0xed, 0xa0, 0x80],
    [0xc0, 0xaf],
  ),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
);

export type BodySpec =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: readonly number[] }
  | { kind: 'parsed'; value: unknown };

function bodyFor(path: string): fc.Arbitrary<BodySpec> {
  const valid = validBody(path);
  const text = (arb: fc.Arbitrary<string>) => arb.map((t): BodySpec => ({ kind: 'text', text: t }));
  return fc.oneof(
    { weight: 8, arbitrary: text(valid.map((b) => JSON.stringify(b))) },
    { weight: 2, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
    { weight: 2, arbitrary: text(wrongTypes(valid).map((b) => JSON.stringify(b))) },
    { weight: 1, arbitrary: text(polluted(valid)) },
    { weight: 1, arbitrary: text(padded(valid)) },
    { weight: 1, arbitrary: text(brokenText) },
    { weight: 1, arbitrary: invalidUtf8.map((bytes): BodySpec => ({ kind: 'bytes', bytes })) },
    // What a framework with its own body parser hands over: any value, including a parsed `__proto__` member.
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          valid,
          polluted(valid).map((t) => JSON.parse(t) as unknown),
          fc.jsonValue({ maxDepth: 3 }),
          fc.constantFrom(null, [], 0, '', 'text'),
        )
        .map((value): BodySpec => ({ kind: 'parsed', value })),
    },
    { weight: 1, arbitrary: text(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? '')) },
  );
}

// ── URLs ─────────────────────────────────────────────────────────────────────────────────────────────

const query = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  fc.constantFrom('?x=1', '?', '?a=%zz', '?#token=x', '?access_tokenx=1', '?tok%20en=1'),
  fc
    .tuple(
      fc.constantFrom(
        'access_token',
        'token',
        'api_key',
        'apikey',
        'ACCESS_TOKEN',
        '%74oken',
        ' token ',
        'Api_Key',
      ),
      fc.oneof(ref('access'), ref('apiKey'), fc.constant('')),
      fc.constantFrom('?', '?x=1&'),
    )
    .map(([name, value, lead]) => `${lead}${name}=${value}`),
  fc
    .tuple(ref('refresh'), ref('password'))
    .map(([r, p]) => `?refresh_token=${r}&password=${encodeURIComponent(p)}`),
  fc
    .constantFrom(
      'state={{oauthState:0}}&code=abc',
      'code=abc',
      'error=access_denied&state={{oauthState:0}}',
      'state={{oauthState:0}}&state=x&code=y',
    )
    .map((q) => `?${q}`),
  junk.map((j) => `?${j}`),
);

const paramValue = (name: string) =>
  name === 'provider'
    ? fc.oneof(
        { weight: 5, arbitrary: fc.constant(PROVIDER) },
        fc.constantFrom('google', 'Bad Name', '__proto__', 'constructor', '..', ''),
        junk,
      )
    : fc.oneof(
        { weight: 5, arbitrary: ref('apiKeyId') },
        fc.constantFrom('__proto__', 'constructor', '', '..', '%'),
        junk,
      );

const rawPath = fc.oneof(
  fc.constantFrom(
    '/no/such/route',
    '//evil.example/auth/login',
    `${ORIGIN}/auth/login`,
    'http://[',
    '/auth/login/../../admin/keys/rotate',
    '/%2e%2e/%2e%2e',
    '*',
    '',
    '/auth/oauth/fuzzhub/callback',
  ),
  junk.map((j) => `/${j}`),
);

const method = fc.constantFrom(
  'GET',
  'POST',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PUT',
  'PATCH',
  'post',
  'TRACE',
  '',
);

const remoteAddress = fc.constantFrom(
  '127.0.0.1',
  '127.0.0.1',
  '::1',
  '::ffff:127.0.0.1',
  '10.0.0.7',
  '203.0.113.9',
  'not-an-ip',
  '',
  undefined,
  ' 127.0.0.2 ',
  'fe80::1%eth0',
);

/** One route of the world, as the generator sees it. */
export interface RouteShape {
  readonly target: Target;
  readonly method: string;
  readonly path: string;
}

export interface FuzzRequest {
  target: Target;
  method: string;
  /** `undefined`: the route's own path with its parameters filled in; otherwise a raw URL path. */
  rawPath: string | undefined;
  params: Record<string, string>;
  query: string;
  headers: Record<string, string | string[]>;
  body: BodySpec;
  remoteAddress: string | undefined;
}

function requestFor(route: RouteShape): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/:([a-z]+)/g)].map((m) => m[1]!);
  return fc
    .record({
      target: fc.constant(route.target),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, method),
      rawPath: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, rawPath),
      params: fc.record(Object.fromEntries(names.map((name) => [name, paramValue(name)]))),
      query,
      headersAndQuery,
      body: bodyFor(route.path),
      remoteAddress,
    })
    .map(({ headersAndQuery: { headers, query: credentialQuery }, query: ownQuery, ...rest }) => ({
      ...rest,
      // The sign-in's state goes with its cookie, unless the query was going to carry something else.
      query: credentialQuery !== undefined && ownQuery === '' ? credentialQuery : ownQuery,
      headers,
    }));
}

/** What one step of a run does: requests sent together (1 to 3, concurrently), or time passing. */
export type Step = { kind: 'send'; requests: FuzzRequest[] } | { kind: 'advance'; seconds: number };

export function stepsArbitrary(routes: readonly RouteShape[], maxSteps: number): fc.Arbitrary<Step[]> {
  const request = fc.oneof(...routes.map(requestFor));
  const step = fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .oneof(
          { weight: 6, arbitrary: request.map((r) => [r]) },
          { weight: 2, arbitrary: fc.array(request, { minLength: 2, maxLength: 3 }) },
          // The same request two or three times at once: a single-use credential must still be spent once.
          fc
            .tuple(request, fc.integer({ min: 2, max: 3 }))
            .map(([r, n]) => Array.from({ length: n }, () => r)),
        )
        .map((requests): Step => ({ kind: 'send', requests })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(60, 901, 1800, 8 * 86_400)
        .map((s): Step => ({ kind: 'advance', seconds: s })),
    },
  );
  return fc.array(step, { minLength: 1, maxLength: maxSteps, size: 'max' });
}

/** A parameter as it would appear in the path; a lone surrogate (no UTF-8 form) goes in as it is. */
function encodePathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The neutral request a generated one stands for, with the world's credentials filled in. */
export function materialise(world: World, route: RouteShape, spec: FuzzRequest): AuthRequest {
  const params = Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, resolve(world, v)]));
  const path =
    spec.rawPath === undefined
      ? route.path.replace(/:([a-z]+)/g, (_m, name: string) => encodePathSegment(params[name] ?? ''))
      : resolve(world, spec.rawPath);
  const headers = Object.fromEntries(
    Object.entries(spec.headers).map(([k, v]) => [
      k,
      typeof v === 'string' ? resolve(world, v) : v.map((item) => resolve(world, item)),
    ]),
  );
  const body =
    spec.body.kind === 'none'
      ? undefined
      : spec.body.kind === 'text'
        ? resolve(world, spec.body.text)
        : spec.body.kind === 'bytes'
          ? Uint8Array.from(spec.body.bytes)
          : resolveDeep(world, spec.body.value);
  return {
    method: spec.method,
    url: path + resolve(world, spec.query),
    headers,
    body,
    params,
    ...(spec.remoteAddress === undefined ? {} : { remoteAddress: spec.remoteAddress }),
  };
}
