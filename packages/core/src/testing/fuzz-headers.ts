// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// Arbitraries of request headers: a credential the request mainly rides on (so that most requests get past
// authentication), then real and broken `Authorization`, `Cookie`, `Origin`, `X-API-Key`,
// `X-Forwarded-For` and `Content-Type`, repeated or not.
import fc from 'fast-check';
import { exact, index, junk, ref } from './fuzz-values.js';
import { ORIGIN, PROVIDER } from './fuzz-world.js';

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
export const headersAndQuery = fc.tuple(credential, extraHeaders).map(([main, extra]) => {
  const headers: Record<string, string | string[]> = { ...main.headers };
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) headers[name] = value;
  return { headers, query: main.query };
});
