// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// Arbitraries of request headers: a credential the request mainly rides on (so that most requests get past
// authentication), then real and broken `Authorization`, `Cookie`, `Origin`, `X-API-Key`,
// `X-Forwarded-For` and `Content-Type`, repeated or not.
import fc from 'fast-check';
import { exact, index, junk, ref } from './fuzz-values.js';
import { CLIENT_ID, DPOP_COPIES, DPOP_TARGETS, HOST, ORIGIN, PROVIDER } from './fuzz-world.js';

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
  // The DPoP scheme (RFC 9449 §7.1): an unbound token, a bound one, junk.
  ref('access').map((t) => `DPoP ${t}`),
  ref('boundAccess').map((t) => `DPoP ${t}`),
  fc.constantFrom('DPoP', 'DPoP ', 'dpop x', 'DPoP a.b.c', 'DPoP  {{access:0}}', 'DPoP {{access:0}} x'),
  junk.map((j) => `DPoP ${j}`),
);

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** `Authorization` of a client at the /oauth routes: Basic, right and wrong in every way, or another scheme. */
const clientAuthorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant('{{basic:0}}') },
  fc.constantFrom('{{basic:0<}}', '{{basic:0~8}}', '{{basic:0~20}}'),
  fc.constantFrom(
    'Basic',
    'Basic ',
    'Basic !!!!',
    'Basic ====',
    'Basic Zm9v', // `foo`: no colon
    `Basic ${b64(CLIENT_ID)}`,
    `Basic ${b64(`${CLIENT_ID}:`)}`,
    `Basic ${b64(':')}`,
    `Basic ${b64(`nobody:${'s'.repeat(40)}`)}`,
    `Basic ${b64(`${CLIENT_ID}:wrong-secret-${'w'.repeat(32)}`)}`,
    `Basic ${b64(`${CLIENT_ID}:{{clientSecret:0}}`)}`, // the placeholder itself, not the secret
    `Basic ${b64(`${encodeURIComponent('fuzz worker')}:x`)}`,
    `Basic ${b64('\u0000:\u0000')}`,
    `basic ${b64(`${CLIENT_ID}:x`)}`,
    `Basic ${b64(`${CLIENT_ID}:x`)} extra`,
    `Basic ${b64(`${CLIENT_ID}:${'x'.repeat(10_000)}`)}`,
  ),
  junk.map((j) => `Basic ${b64(j)}`),
  junk.map((j) => `Basic ${j}`),
  fc.tuple(fc.constant('{{basic:0}}'), fc.constant('{{basic:0}}')).map((pair) => [...pair]),
  ref('access').map((t) => `Bearer ${t}`),
  fc.constant(undefined),
);

/** A proof of `alg: none` (unsigned), for a request that would otherwise be fine: it must never pass. */
const unsignedProof = fc.constantFrom(...DPOP_TARGETS).map(({ method, path }) => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  };
  return `${part({ typ: 'dpop+jwt', alg: 'none', jwk })}.${part({ htm: method, htu: `${ORIGIN}${path}`, jti: 'fuzz-none', iat: 1_700_000_000 })}.`;
});

/** The world's valid proofs: `{{dpop:i}}`, tampered with, cut short, or of another request. */
const proofRef = (target: number) =>
  fc.nat(DPOP_COPIES - 1).chain((copy) => {
    const i = target * DPOP_COPIES + copy;
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant(`{{dpop:${i}}}`) },
      fc.nat(400).map((at) => `{{dpop:${i}~${at}}}`),
      fc.constant(`{{dpop:${i}<}}`),
      fc.nat(DPOP_TARGETS.length * DPOP_COPIES - 1).map((n) => `{{dpop:${n}}}`),
    );
  });

/** A `DPoP` header (RFC 9449 §4): junk, or a valid proof for a target of the route `path` and broken ones. */
function dpopHeader(path: string): fc.Arbitrary<string | string[]> {
  const own = DPOP_TARGETS.flatMap((target, i) => (target.path === path ? [i] : []));
  const valid = own.length === 0 ? proofRef(0) : fc.constantFrom(...own).chain(proofRef);
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    junk,
    unsignedProof,
    fc.constantFrom('', 'a.b.c', 'e30.e30.', 'e30.e30.e30', '{{dpop:0}}.x', '{{dpop:0}} {{dpop:1}}'),
    // Several proofs: repeated headers, or one header joined with a comma.
    fc.array(valid, { minLength: 2, maxLength: 3 }),
    fc.tuple(valid, valid).map(([a, b]) => `${a}, ${b}`),
    // Oversized: a proof padded past the verifier's bound, or just a lot of bytes.
    valid.map((proof) => `${proof}${'A'.repeat(9000)}`),
    fc.constantFrom(8191, 8192, 8193, 70_000).map((n) => 'e'.repeat(n)),
  );
}

const FORM = 'application/x-www-form-urlencoded';
const formContentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant(FORM) },
  fc.constantFrom(
    `${FORM}; charset=utf-8`,
    `${FORM}; charset=latin1`,
    'APPLICATION/X-WWW-FORM-URLENCODED',
    `${FORM}x`,
    'application/json',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
    `${FORM}, application/json`,
  ),
  fc.constant<string[]>([FORM, 'application/json']),
  fc.constant(undefined),
);

/** The index in the `dpop` pool of the proof made for `method path` with the first token of `ath`. */
const proofIndex = (path: string, ath?: 'access' | 'boundAccess') =>
  DPOP_TARGETS.findIndex((target) => target.path === path && target.ath === ath);

/**
 * `/me` with DPoP (RFC 9449 §7): the bound token with a proof of its key (`ath` of that token), an unbound
 * token with a proof, the bound token as a Bearer token with or without a proof.
 */
const resourceDpop = fc.oneof(
  proofRef(proofIndex('/me', 'boundAccess')).map((dpop) => ({
    authorization: 'DPoP {{boundAccess:0}}',
    dpop,
  })),
  proofRef(proofIndex('/me', 'access')).map((dpop) => ({ authorization: 'DPoP {{access:0}}', dpop })),
  fc.oneof(proofRef(proofIndex('/me')), fc.constant(undefined)).map((dpop) => ({
    authorization: 'Bearer {{boundAccess:0}}',
    dpop,
  })),
  fc.constant({ authorization: 'DPoP {{boundAccess:0}}', dpop: undefined }),
);

/** Headers a route's own requests carry (they replace the generic ones): a client's at /oauth, DPoP proofs. */
export function routeHeaders(path: string): fc.Arbitrary<Record<string, string | string[] | undefined>> {
  const oauth = path.startsWith('/oauth/');
  const dpopRoute = DPOP_TARGETS.some((target) => target.path === path);
  const dpop = dpopHeader(path);
  return fc
    .record({
      dpop: fc.oneof(
        { weight: dpopRoute ? 3 : 8, arbitrary: fc.constant(undefined) },
        { weight: dpopRoute ? 4 : 1, arbitrary: dpop },
      ),
      // The host a proof's `htu` is made for, mostly, so that valid proofs get checked to the end.
      host: fc.oneof({ weight: 6, arbitrary: fc.constant(HOST) }, fc.constant(undefined)),
      client: oauth ? clientAuthorization : fc.constant(undefined),
      resource: path === '/me' ? fc.option(resourceDpop, { freq: 2 }) : fc.constant(null),
      'content-type': oauth ? formContentType : fc.constant(undefined),
    })
    .map(({ dpop: generic, host, client, resource, 'content-type': contentType }) => {
      const proof = resource === null ? generic : resource.dpop;
      return {
        ...(proof === undefined ? {} : { dpop: proof, ...(host === undefined ? {} : { host }) }),
        // A client's request leaves out the user's credential (client_secret_post: no Authorization at all).
        ...(oauth ? { authorization: client, 'content-type': contentType } : {}),
        ...(resource === null ? {} : { authorization: resource.authorization }),
      };
    });
}

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
