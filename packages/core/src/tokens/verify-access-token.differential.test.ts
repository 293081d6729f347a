// Differential test: every token goes through our verifier and through jose's `jwtVerify`, configured alike,
// and the two must agree on accept or refuse. Where our verifier is stricter by a documented rule, the oracle
// below names that rule (`ourStricterRules`) and checks it one way only: we must refuse, whatever jose says.
// The other way round there is no exception: nothing jose refuses may pass our verifier.
import {
  constants,
  createPrivateKey,
  createPublicKey,
  type JsonWebKeyInput,
  type KeyObject,
  sign as nodeSign,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createLocalJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import type { JwsAlgorithm } from '../keys/algorithms.js';
import { generateSigningKey } from '../keys/generate-key.js';
import type { KeySource } from '../keys/key-source.js';
import { createKeyring } from '../keys/keyring.js';
import { createRemoteKeySet } from '../keys/remote-key-set.js';
import type { SigningKey } from '../keys/signing-key.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import { type AccessTokenVerifierOptions, createAccessTokenVerifier } from './verify-access-token.js';

const ISSUER = 'https://api.example.test';
const AUDIENCES = ['portcullis-demo', 'second-api'];
const TOLERANCE = 5;
const MAX_TOKEN_BYTES = 8192;
const REQUIRED_CLAIMS = ['sub', 'iat', 'jti'];

const BASE_MS = Date.UTC(2026, 10, 28, 12, 0, 0);
const NOW = BASE_MS / 1000;
/** One clock for both sides: our verifier reads it, jose gets it as `currentDate`. Only ever moved forward. */
let clockMs = BASE_MS;
const clock = () => clockMs;

// ---------------------------------------------------------------------------------------------------------
// Worlds: one per algorithm, each with two trusted keys (so `kid` selects) and a stranger key.

interface Signer {
  kid: string;
  sign(input: string): Promise<Buffer>;
}

interface World {
  alg: JwsAlgorithm;
  keys: KeySource;
  joseKey: JWTVerifyGetKey;
  signers: { a: Signer; b: Signer; stranger: Signer };
}

/** The RSA key pairs of the RS256 world, by kid, for the PS256 world to sign with. */
const rsaKeys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

function keyringSigner(key: SigningKey): Signer {
  if (key.alg === 'RS256') {
    const privateKey = createPrivateKey({
      key: key.exportPrivateJwk() as JsonWebKeyInput['key'],
      format: 'jwk',
    });
    rsaKeys.set(key.kid, { privateKey, publicKey: createPublicKey(privateKey) });
  }
  return { kid: key.kid, sign: async (input) => Buffer.from(await nodeCryptoBackend.sign(key, input)) };
}

/** EdDSA, ES256, RS256, HS256: a keyring (the keys an app issues with) rotated once, so two keys verify. */
async function keyringWorld(alg: 'EdDSA' | 'ES256' | 'RS256' | 'HS256'): Promise<World> {
  const keyring = await createKeyring({ algorithm: alg, clock, retireAfter: '30d' });
  await keyring.rotate();
  const [b, a] = keyring.entries().map((entry) => entry.key);
  const signers = {
    a: keyringSigner(a!),
    b: keyringSigner(b!),
    stranger: keyringSigner(await generateSigningKey(alg)),
  };
  if (alg !== 'HS256') return { alg, keys: keyring, joseKey: createLocalJWKSet(keyring.jwks()), signers };
  // jose's createLocalJWKSet refuses secrets, so this does what it does for public keys: the key whose kid
  // the header names when `kid` is a string, otherwise every key; exactly one must match.
  const secrets = [a!, b!].map((key) => key.exportPrivateJwk());
  const joseKey: JWTVerifyGetKey = async (header) => {
    const kid = header.kid;
    const found = secrets.filter((jwk) => typeof kid !== 'string' || jwk['kid'] === kid);
    if (found.length !== 1) throw new joseErrors.JWKSNoMatchingKey();
    return new Uint8Array(Buffer.from(String(found[0]!['k']), 'base64url'));
  };
  return { alg, keys: keyring, joseKey, signers };
}

let jwksServer: Server | undefined;

/**
 * PS256 is no keyring algorithm: it arrives from an IdP, so both sides read the same JWKS, ours over HTTP
 * through `createRemoteKeySet`. The RSA keys are the RS256 world's, under other kids (no second key generation).
 */
async function remotePs256World(rsa: World): Promise<World> {
  const rsaSigners = [rsa.signers.a, rsa.signers.b, rsa.signers.stranger];
  const pairs = rsaSigners.map((signer) => rsaKeys.get(signer.kid)!);
  const kids = ['ps-a', 'ps-b', 'ps-stranger'];
  const jwks = {
    keys: pairs.slice(0, 2).map((pair, i) => ({
      ...pair.publicKey.export({ format: 'jwk' }),
      kid: kids[i],
      alg: 'PS256',
      use: 'sig',
    })),
  };
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => jwksServer!.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;
  const signer = (i: number): Signer => ({
    kid: kids[i]!,
    sign: async (input) =>
      nodeSign('sha256', Buffer.from(input, 'latin1'), {
        key: pairs[i]!.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      }),
  });
  return {
    alg: 'PS256',
    keys: createRemoteKeySet(new URL(`http://127.0.0.1:${port}/jwks`), { algorithms: ['PS256'] }),
    joseKey: createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]),
    signers: { a: signer(0), b: signer(1), stranger: signer(2) },
  };
}

const worlds = new Map<JwsAlgorithm, World>();
beforeAll(async () => {
  const made = await Promise.all((['EdDSA', 'ES256', 'RS256', 'HS256'] as const).map(keyringWorld));
  for (const w of made) worlds.set(w.alg, w);
  worlds.set('PS256', await remotePs256World(worlds.get('RS256')!));
}, 30_000);
afterAll(async () => {
  await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)));
});

function ourVerifier(world: World, cache: AccessTokenVerifierOptions['cache']) {
  return createAccessTokenVerifier({
    keys: world.keys,
    issuer: ISSUER,
    audience: AUDIENCES,
    typ: 'at+jwt',
    algorithms: [world.alg],
    clockTolerance: TOLERANCE,
    requiredClaims: REQUIRED_CLAIMS,
    maxTokenBytes: MAX_TOKEN_BYTES,
    cache,
    clock,
  });
}

type Outcome = 'accept' | 'refuse';

async function ours(verifier: { verify(token: string): Promise<unknown> }, token: string): Promise<Outcome> {
  try {
    await verifier.verify(token);
    return 'accept';
  } catch (error) {
    if (error instanceof AuthError && error.code === 'invalid_token') return 'refuse';
    throw error;
  }
}

async function jose(world: World, token: string): Promise<Outcome> {
  try {
    await jwtVerify(token, world.joseKey, {
      algorithms: [world.alg],
      issuer: ISSUER,
      audience: AUDIENCES,
      typ: 'at+jwt',
      clockTolerance: TOLERANCE,
      // `iss`, `aud` and `exp` are always required by ours; jose adds `iss` and `aud` itself.
      requiredClaims: ['iss', 'aud', 'exp', ...REQUIRED_CLAIMS],
      // Ours refuses an `iat` beyond the tolerance in the future; jose checks `iat` only with a maximum age,
      // so the largest finite one: the "too old" half of jose's check can never fire.
      maxTokenAge: Number.MAX_VALUE,
      currentDate: new Date(clockMs),
    });
    return 'accept';
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return 'refuse';
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The oracle: our documented rules that jose does not have. Each is computed here from the token itself.

const CANONICAL_SEGMENT = /^[A-Za-z0-9_-]+$/;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function isCanonicalBase64url(segment: string): boolean {
  return (
    CANONICAL_SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment
  );
}

/** A segment's JSON object as jose reads it (TextDecoder drops a BOM); `undefined` when it is none. */
function looseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(Buffer.from(segment, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isStringList = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');

/**
 * The rules by which our verifier refuses a token jose may accept, each documented on
 * `createAccessTokenVerifier` / `AccessTokenVerifierOptions` or in docs/security.md. Returns the first that
 * applies. Only consulted when jose accepted: anything jose refuses, ours must refuse too.
 */
function ourStricterRule(token: string): string | undefined {
  // `maxTokenBytes`: refused before any decoding (jose has no size limit).
  if (token.length > MAX_TOKEN_BYTES) return 'size';
  const segments = token.split('.');
  if (segments.length !== 3) return undefined;
  // One token, one spelling: every segment the canonical unpadded base64url (jose's decoder, `atob`, skips
  // whitespace, takes `=` padding and ignores the unused low bits of the last character).
  if (!segments.every(isCanonicalBase64url)) return 'non_canonical_base64url';
  const [headerBytes, payloadBytes] = segments.map((s) => Buffer.from(s, 'base64url'));
  // A UTF-8 BOM before the JSON: jose's TextDecoder drops it, ours reads it as the (invalid) first character.
  // RFC 8259 §8.1 allows either.
  if (headerBytes!.subarray(0, 3).equals(BOM) || payloadBytes!.subarray(0, 3).equals(BOM)) return 'bom';
  const header = looseJson(segments[0]!);
  // Any `crit` is refused, no extension being understood (jose understands `b64`).
  if (header !== undefined && Object.hasOwn(header, 'crit')) return 'crit';
  const claims = looseJson(segments[1]!);
  if (claims === undefined) return undefined;
  // The claims a principal is made of have types: `sub` a non-empty string, `jti` and `sid` strings,
  // `roles` and `scp` string arrays, `scope` a string (jose checks none of these types).
  if (typeof claims['sub'] !== 'string' || claims['sub'] === '') return 'sub_type';
  for (const name of ['jti', 'sid', 'scope'])
    if (claims[name] !== undefined && typeof claims[name] !== 'string') return `${name}_type`;
  if (claims['roles'] !== undefined && !isStringList(claims['roles'])) return 'roles_type';
  // `scp` is read (and so checked) only in the absence of `scope`.
  if (claims['scope'] === undefined && claims['scp'] !== undefined && !isStringList(claims['scp']))
    return 'scp_type';
  // A NumericDate must be finite: a JSON literal such as 1e400 parses to Infinity, which jose takes.
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = claims[name];
    if (typeof value === 'number' && !Number.isFinite(value)) return `${name}_not_finite`;
  }
  return undefined;
}

interface Tally {
  agreedAccept: number;
  agreedRefuse: number;
  rules: Record<string, number>;
}

const newTally = (): Tally => ({ agreedAccept: 0, agreedRefuse: 0, rules: {} });

/** Our answer must be jose's, except that a token one of our stricter rules applies to must be refused. */
function expectAgreement(token: string, our: Outcome, theirs: Outcome, tally: Tally, when = ''): void {
  const rule = theirs === 'accept' ? ourStricterRule(token) : undefined;
  const expected: Outcome = rule === undefined ? theirs : 'refuse';
  if (our !== expected) {
    throw new Error(
      `disagreement${when}: ours ${our}, jose ${theirs}${rule ? ` (our rule ${rule})` : ''} for ${JSON.stringify(token)}`,
    );
  }
  if (rule !== undefined) tally.rules[rule] = (tally.rules[rule] ?? 0) + 1;
  else if (our === 'accept') tally.agreedAccept += 1;
  else tally.agreedRefuse += 1;
}

// ---------------------------------------------------------------------------------------------------------
// Tokens: a recipe (header, claims, how each segment is spelled, who signs, what happens after) and its build.

const MISSING = '<missing>';
/** Replaced by a bare JSON literal (e.g. `1e400`, which JSON.stringify cannot write). */
const raw = (literal: string) => `@@RAW:${literal}@@`;
/** Replaced by bytes that are no UTF-8, inside a JSON string. */
const BAD_UTF8 = '@@BAD_UTF8@@';
const BAD_UTF8_BYTES = [
  [0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/** The world's algorithm / the signing key's kid, resolved at build time. */
const ALG = '<alg>';
const SIGNER_KID = '<signer kid>';
const KID_A = '<kid a>';
const KID_B = '<kid b>';
const KID_STRANGER = '<kid stranger>';

/** Mostly `usual`, sometimes one of `others`. */
function mostly<T>(usual: T, others: readonly unknown[], weight = 6) {
  return fc.oneof(
    { arbitrary: fc.constant(usual as unknown), weight },
    { arbitrary: fc.constantFrom(...others), weight: 1 },
  );
}

const TIME_OFFSETS = [
  -906, -905.5, -905, -904.999, -6, -5.001, -5, -4.999, -4.5, -4, -1, 0, 0.5, 1, 4, 4.999, 5, 5.001, 5.5, 6,
  900,
];
const edgeTimes = [
  ...TIME_OFFSETS.map((offset) => NOW + offset),
  raw('1e400'),
  raw('-1e400'),
  raw('1.7976931348623157e308'),
  String(NOW + 900),
  null,
  true,
  MISSING,
];

const headerArb = fc.record({
  alg: mostly(
    ALG,
    [
      'none',
      'None',
      'HS256',
      'RS256',
      'PS256',
      'ES256',
      'EdDSA',
      'Ed25519',
      'RS384',
      'rs256',
      '',
      1,
      null,
      MISSING,
    ],
    10,
  ),
  kid: mostly(SIGNER_KID, [KID_A, KID_B, KID_STRANGER, 'unknown', '', 5, null, ['x'], MISSING], 8),
  typ: mostly('at+jwt', [
    'AT+JWT',
    'At+Jwt',
    'application/at+jwt',
    'Application/AT+JWT',
    'application/application/at+jwt',
    'text/at+jwt',
    'jwt',
    'JWT',
    'application/jwt',
    'at+jwt ',
    ' at+jwt',
    'at+jwt\u0000',
    'application/',
    'at+jwt/',
    '',
    null,
    1,
    ['at+jwt'],
    MISSING,
  ]),
  crit: mostly(MISSING, [[], ['b64'], ['exp'], ['b64', 'b64'], 'b64', 1, null, [''], [1]], 12),
  b64: mostly(MISSING, [true, false, 'x'], 12),
  extra: mostly(MISSING, [
    { jku: 'https://attacker.example/jwks' },
    { jwk: { kty: 'oct', k: 'AAAA' } },
    { x5u: 'https://attacker.example/x5u' },
    { zip: 'DEF' },
    { note: BAD_UTF8 },
    { __proto__x: 1, constructor: 'x' },
  ]),
});

const claimsArb = fc.record({
  iss: mostly(ISSUER, [
    `${ISSUER}/`,
    'https://evil.example',
    ISSUER.toUpperCase(),
    '',
    null,
    [ISSUER],
    1,
    MISSING,
  ]),
  aud: mostly(AUDIENCES[0], [
    AUDIENCES[1],
    [AUDIENCES[0]],
    ['other', AUDIENCES[1]],
    [1, AUDIENCES[0]],
    ['other'],
    [],
    'other',
    AUDIENCES[0]!.toUpperCase(),
    null,
    7,
    { aud: AUDIENCES[0] },
    MISSING,
  ]),
  sub: mostly('user-1', ['', ' ', null, 1, ['user-1'], `user-${BAD_UTF8}`, 'üser-\u{1f600}', MISSING]),
  jti: mostly('jti-1', ['', 1, null, MISSING]),
  iat: mostly(NOW, edgeTimes, 4),
  nbf: mostly(MISSING, edgeTimes, 4),
  exp: mostly(NOW + 900, edgeTimes, 3),
  roles: mostly(MISSING, [['user'], [], 'user', [1], null]),
  scope: mostly(MISSING, ['read write', '', 1, ['read']]),
  scp: mostly(MISSING, [['read'], 'read', [null]]),
  sid: mostly(MISSING, ['s-1', 1]),
  // Around the size limit: signed tokens of 7.8 to 9 KB.
  pad: mostly(0, [5600, 5750, 5800, 5850, 5900, 6000, 6500], 10),
});

const encodingArb = mostly('json', ['bom', 'whitespace', 'not-json'], 12);
const notJsonArb = fc.constantFrom(
  '',
  'not json',
  '{',
  'null',
  '[]',
  '[{}]',
  '"x"',
  '1',
  '{"a":1}{',
  '{"sub":"a",}',
  'true',
);

type Spelling =
  | { kind: 'canonical' }
  | { kind: 'padded' }
  | { kind: 'standard-alphabet' }
  | { kind: 'whitespace'; at: number; ch: string }
  | { kind: 'extra'; ch: string }
  | { kind: 'trailing-bits' };

const spellingArb: fc.Arbitrary<Spelling> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'canonical' as const }), weight: 16 },
  fc.constant({ kind: 'padded' as const }),
  fc.constant({ kind: 'standard-alphabet' as const }),
  fc.record({
    kind: fc.constant('whitespace' as const),
    at: fc.nat(),
    ch: fc.constantFrom(' ', '\n', '\t', '\r'),
  }),
  fc.record({ kind: fc.constant('extra' as const), ch: fc.constantFrom('A', 'Q', 'g', '-', '=') }),
  fc.constant({ kind: 'trailing-bits' as const }),
);

type Mutation =
  | { kind: 'none' }
  | { kind: 'replace' | 'insert' | 'delete'; segment: number; at: number; ch: string }
  | { kind: 'swap'; order: [number, number, number] }
  | { kind: 'dots'; at: number; dots: string }
  | { kind: 'wrap'; before: string; after: string }
  | { kind: 'truncate'; keep: number }
  | { kind: 'replay-signature' };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 16 },
  fc.record({
    kind: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const),
    segment: fc.nat(2),
    at: fc.nat(),
    ch: fc.constantFrom(...'AQgw_-0z9=.+/ é\u0170\u0000'.split('')),
  }),
  fc.record({
    kind: fc.constant('swap' as const),
    order: fc.constantFrom<[number, number, number]>([1, 0, 2], [0, 2, 1], [2, 1, 0], [1, 2, 0], [2, 0, 1]),
  }),
  fc.record({ kind: fc.constant('dots' as const), at: fc.nat(), dots: fc.constantFrom('.', '..') }),
  fc.record({
    kind: fc.constant('wrap' as const),
    before: fc.constantFrom('', ' ', '\t', 'Bearer '),
    after: fc.constantFrom('', ' ', '\n', '.', '='),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.constant({ kind: 'replay-signature' as const }),
);

const recipeArb = fc.record({
  header: headerArb,
  headerEncoding: encodingArb,
  headerNotJson: notJsonArb,
  claims: claimsArb,
  payloadEncoding: encodingArb,
  payloadNotJson: notJsonArb,
  badUtf8: fc.constantFrom(...BAD_UTF8_BYTES),
  headerSpelling: spellingArb,
  payloadSpelling: spellingArb,
  signatureSpelling: spellingArb,
  signer: mostly('a', ['b', 'stranger'], 4) as fc.Arbitrary<'a' | 'b' | 'stranger'>,
  mutation: mutationArb,
});
type Recipe = typeof recipeArb extends fc.Arbitrary<infer R> ? R : never;

/**
 * A token as the issuer makes it, signed by a trusted key, but for its times (around `exp`, `nbf`, `iat`
 * and the tolerance) and its audience: so that about half the tokens are valid and the edges are walked.
 */
const wellFormedArb = fc
  .record({
    recipe: recipeArb,
    iat: mostly(
      NOW,
      TIME_OFFSETS.map((offset) => NOW + offset),
      2,
    ),
    nbf: mostly(
      MISSING,
      TIME_OFFSETS.map((offset) => NOW + offset),
      2,
    ),
    exp: mostly(
      NOW + 900,
      TIME_OFFSETS.map((offset) => NOW + offset),
      1,
    ),
    aud: mostly(AUDIENCES[0], [AUDIENCES[1], AUDIENCES, ['other', AUDIENCES[1]], ['other']], 3),
    signer: fc.constantFrom('a' as const, 'b' as const),
  })
  .map(
    ({ recipe, iat, nbf, exp, aud, signer }): Recipe => ({
      ...recipe,
      header: { alg: ALG, kid: SIGNER_KID, typ: 'at+jwt', crit: MISSING, b64: MISSING, extra: MISSING },
      headerEncoding: 'json',
      claims: {
        ...recipe.claims,
        iss: ISSUER,
        aud,
        sub: 'user-1',
        jti: 'jti-1',
        iat,
        nbf,
        exp,
        roles: ['user'],
        scope: MISSING,
        scp: MISSING,
        sid: MISSING,
      },
      payloadEncoding: 'json',
      headerSpelling: { kind: 'canonical' },
      payloadSpelling: { kind: 'canonical' },
      signatureSpelling: { kind: 'canonical' },
      signer,
      mutation: { kind: 'none' },
    }),
  );

/** Well-formed tokens, and tokens with anything changed (each part mostly as usual, so a few changes at once). */
const tokenRecipeArb = fc.oneof(wellFormedArb, recipeArb);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function spell(canonical: string, how: Spelling): string {
  switch (how.kind) {
    case 'canonical':
      return canonical;
    case 'padded':
      return canonical + '='.repeat((4 - (canonical.length % 4)) % 4);
    case 'standard-alphabet':
      return canonical.replaceAll('-', '+').replaceAll('_', '/');
    case 'whitespace': {
      const at = how.at % (canonical.length + 1);
      return canonical.slice(0, at) + how.ch + canonical.slice(at);
    }
    case 'extra':
      return canonical + how.ch;
    case 'trailing-bits': {
      // Set an unused low bit of the last character: the same bytes to a lenient decoder.
      if (canonical.length % 4 < 2) return canonical;
      const last = BASE64URL.indexOf(canonical.at(-1)!);
      return canonical.slice(0, -1) + BASE64URL[last | 1];
    }
  }
}

function jsonText(value: Record<string, unknown>): string {
  const present = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== MISSING));
  return JSON.stringify(present).replace(/"@@RAW:([^@"]*)@@"/g, '$1');
}

function encodeSegment(text: string, encoding: unknown, notJson: string, badUtf8: number[]): string {
  const body = encoding === 'not-json' ? notJson : encoding === 'whitespace' ? ` \n${text}\t` : text;
  const bytes = Buffer.concat(
    body
      .split(BAD_UTF8)
      .flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from(badUtf8), Buffer.from(part)])),
  );
  return (encoding === 'bom' ? Buffer.concat([BOM, bytes]) : bytes).toString('base64url');
}

function resolveHeaderValue(value: unknown, world: World, signer: Signer): unknown {
  if (value === ALG) return world.alg;
  if (value === SIGNER_KID) return signer.kid;
  if (value === KID_A) return world.signers.a.kid;
  if (value === KID_B) return world.signers.b.kid;
  if (value === KID_STRANGER) return world.signers.stranger.kid;
  return value;
}

async function buildToken(world: World, recipe: Recipe): Promise<string> {
  const signer = world.signers[recipe.signer];
  const { extra, ...named } = recipe.header;
  const header: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(named)) header[name] = resolveHeaderValue(value, world, signer);
  if (typeof extra === 'object' && extra !== null) Object.assign(header, extra);
  const { pad, ...claims } = recipe.claims;
  if (typeof pad === 'number' && pad > 0) (claims as Record<string, unknown>)['pad'] = 'x'.repeat(pad);

  const headerSegment = spell(
    encodeSegment(jsonText(header), recipe.headerEncoding, recipe.headerNotJson, recipe.badUtf8),
    recipe.headerSpelling,
  );
  const payloadSegment = spell(
    encodeSegment(jsonText(claims), recipe.payloadEncoding, recipe.payloadNotJson, recipe.badUtf8),
    recipe.payloadSpelling,
  );
  const signingInput = `${headerSegment}.${payloadSegment}`;
  const signature = spell((await signer.sign(signingInput)).toString('base64url'), recipe.signatureSpelling);
  const token = `${signingInput}.${signature}`;
  return mutate(token, recipe.mutation, world);
}

async function mutate(token: string, mutation: Mutation, world: World): Promise<string> {
  const segments = token.split('.');
  switch (mutation.kind) {
    case 'none':
      return token;
    case 'replace':
    case 'insert':
    case 'delete': {
      const segment = segments[mutation.segment] ?? '';
      const at = mutation.at % (segment.length + (mutation.kind === 'insert' ? 1 : 0) || 1);
      const skip = mutation.kind === 'insert' ? 0 : 1;
      segments[mutation.segment] =
        segment.slice(0, at) + (mutation.kind === 'delete' ? '' : mutation.ch) + segment.slice(at + skip);
      return segments.join('.');
    }
    case 'swap':
      return mutation.order.map((i) => segments[i] ?? '').join('.');
    case 'dots': {
      const at = mutation.at % (token.length + 1);
      return token.slice(0, at) + mutation.dots + token.slice(at);
    }
    case 'wrap':
      return mutation.before + token + mutation.after;
    case 'truncate':
      return token.slice(0, mutation.keep % (token.length + 1));
    case 'replay-signature': {
      // A valid signature, by a trusted key, of other content.
      const other = await world.signers.a.sign(`${segments[0]}.e30`);
      return `${segments[0]}.${segments[1]}.${other.toString('base64url')}`;
    }
  }
}

/** Strings that were never a token. */
const junkArb = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc
    .array(fc.string({ unit: fc.constantFrom(...`${BASE64URL}=+/ .`.split('')), maxLength: 60 }), {
      maxLength: 5,
    })
    .map((parts) => parts.join('.')),
  fc
    .tuple(fc.jsonValue(), fc.jsonValue(), fc.uint8Array({ maxLength: 80 }))
    .map(([h, p, s]) => `${b64u(JSON.stringify(h) ?? '')}.${b64u(JSON.stringify(p) ?? '')}.${b64u(s)}`),
);

function b64u(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

const ALGORITHMS: JwsAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'PS256', 'HS256'];
const world = (alg: JwsAlgorithm) => worlds.get(alg)!;

// ---------------------------------------------------------------------------------------------------------

describe('our verifier and jose agree', () => {
  describe.each(ALGORITHMS)('%s', (alg) => {
    it('on every signed, spelled and mutated token (full check each time)', async () => {
      const w = world(alg);
      const verifier = ourVerifier(w, false);
      const tally = newTally();
      await fc.assert(
        fc.asyncProperty(tokenRecipeArb, async (recipe) => {
          clockMs = BASE_MS;
          const token = await buildToken(w, recipe);
          expectAgreement(token, await ours(verifier, token), await jose(w, token), tally);
        }),
        { numRuns: 300 },
      );
      // Not vacuous: both kinds of answer occur in number, and so do the stricter rules.
      expect(tally.agreedAccept).toBeGreaterThan(40);
      expect(tally.agreedRefuse).toBeGreaterThan(100);
    });

    it('on strings that were never tokens', async () => {
      const w = world(alg);
      const verifier = ourVerifier(w, false);
      const tally = newTally();
      await fc.assert(
        fc.asyncProperty(junkArb, async (token) => {
          clockMs = BASE_MS;
          expectAgreement(token, await ours(verifier, token), await jose(w, token), tally);
        }),
        { numRuns: 100 },
      );
    });

    it('on a token presented three times as time passes, the cache on (cached answers too)', async () => {
      const w = world(alg);
      const tally = newTally();
      let cachedAnswers = 0;
      await fc.assert(
        fc.asyncProperty(
          tokenRecipeArb,
          fc.array(fc.constantFrom(0, 0.001, 0.5, 1, 4, 5, 6, 11, 900), { minLength: 2, maxLength: 2 }),
          async (recipe, steps) => {
            clockMs = BASE_MS;
            // A fresh cache per token: the clock starts over for each, and a cache must never see time go back.
            const verifier = ourVerifier(w, { maxEntries: 16 });
            const token = await buildToken(w, recipe);
            for (const [i, step] of [0, ...steps].entries()) {
              clockMs += step * 1000;
              const cachedBefore = verifier.cacheSize > 0;
              const our = await ours(verifier, token);
              expectAgreement(token, our, await jose(w, token), tally, ` on presentation ${i + 1}`);
              if (cachedBefore && our === 'accept') cachedAnswers += 1;
            }
          },
        ),
        { numRuns: 120 },
      );
      // The second presentation admits a token, the third is answered from the cache while it is valid.
      expect(cachedAnswers).toBeGreaterThan(10);
    });
  });
});

describe('regressions found by the differential test', () => {
  const signed = async (alg: JwsAlgorithm, headerSegment: string, payloadSegment: string) => {
    const input = `${headerSegment}.${payloadSegment}`;
    return `${input}.${(await world(alg).signers.a.sign(input)).toString('base64url')}`;
  };
  const header = (alg: JwsAlgorithm) => ({ alg, typ: 'at+jwt', kid: world(alg).signers.a.kid });
  const claims = { iss: ISSUER, aud: AUDIENCES[0], sub: 'user-1', iat: NOW, exp: NOW + 900, jti: 'j' };

  it('refuses a signed payload that is no UTF-8, as jose does', async () => {
    clockMs = BASE_MS;
    const w = world('EdDSA');
    const text = JSON.stringify({ ...claims, sub: `user-${BAD_UTF8}` });
    const payload = encodeSegment(text, 'json', '', [0xff]);
    const token = await signed('EdDSA', b64u(JSON.stringify(header('EdDSA'))), payload);
    expect(await jose(w, token)).toBe('refuse');
    expect(await ours(ourVerifier(w, false), token)).toBe('refuse');
  });

  it('refuses a signed header that is no UTF-8, as jose does', async () => {
    clockMs = BASE_MS;
    const w = world('ES256');
    const text = JSON.stringify({ ...header('ES256'), note: BAD_UTF8 });
    const token = await signed(
      'ES256',
      encodeSegment(text, 'json', '', [0xc0, 0xaf]),
      b64u(JSON.stringify(claims)),
    );
    expect(await jose(w, token)).toBe('refuse');
    expect(await ours(ourVerifier(w, false), token)).toBe('refuse');
  });

  it('refuses a signed segment of 4n+1 characters, which is no base64url, as jose does', async () => {
    clockMs = BASE_MS;
    const w = world('EdDSA');
    let payload = b64u(JSON.stringify(claims));
    // A trailing character that decodes to nothing: Node's decoder drops it, `atob` refuses the length.
    while (payload.length % 4 !== 0)
      payload = b64u(JSON.stringify({ ...claims, jti: `${claims.jti}${payload.length}` }));
    const token = await signed('EdDSA', b64u(JSON.stringify(header('EdDSA'))), `${payload}A`);
    expect(await jose(w, token)).toBe('refuse');
    expect(await ours(ourVerifier(w, false), token)).toBe('refuse');
  });
});
