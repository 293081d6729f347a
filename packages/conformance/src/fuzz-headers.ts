// The HTTP fuzz's headers: the credential a request mainly rides on, then broken, doubled and oversized
// `Authorization`, `Cookie`, `Origin`, `X-API-Key`, `X-Forwarded-For` and friends, and `Content-Type`s.
import { junkText, poolRef } from './fuzz-pools.js';
import type { Random } from './fuzz-random.js';

/** The credential a request mainly rides on, so that most requests get past authentication. */
export function credentialHeaders(r: Random, origin: string): [string, string][] {
  return r.weighted<() => [string, string][]>([
    [4, () => [['Authorization', `Bearer ${poolRef(r, 'access')}`]]],
    [
      2,
      () => [
        [
          'Cookie',
          `__Host-portcullis-access=${poolRef(r, 'access')}; __Host-portcullis-refresh=${poolRef(r, 'refresh')}`,
        ],
        ['Origin', origin],
      ],
    ],
    [
      2,
      () => [
        ['Cookie', `__Host-portcullis-sid=${poolRef(r, 'session')}`],
        ['Origin', origin],
      ],
    ],
    [2, () => [['X-API-Key', poolRef(r, 'apiKey')]]],
    [1, () => [['Cookie', `__Host-portcullis-device=${poolRef(r, 'device')}`]]],
    [2, () => []],
  ])();
}

/** Headers besides the credential: broken, doubled, oversized. */
export function extraHeaders(r: Random, origin: string): [string, string][] {
  const headers: [string, string][] = [];
  const maybe = (p: number, make: () => [string, string]) => {
    if (r.chance(p)) headers.push(make());
  };
  maybe(0.15, () => [
    'Authorization',
    r.pick([
      'Bearer',
      'Basic dXNlcjpwYXNz',
      'Bearer a.b.c',
      `Bearer ${poolRef(r, 'refresh')}`,
      `bearer  ${poolRef(r, 'access')}`,
      junkText(r),
    ]),
  ]);
  maybe(0.1, () => ['Authorization', `Bearer ${poolRef(r, 'access')}`]); // a second Authorization line
  maybe(0.15, () => [
    'Cookie',
    r.pick([
      '__Host-portcullis-refresh=garbage',
      '__proto__=x; constructor=y',
      `__Host-portcullis-sid="${poolRef(r, 'session')}"`,
      `__Host-portcullis-access=${'x'.repeat(5000)}`,
      ';;==',
      junkText(r),
    ]),
  ]);
  maybe(0.15, () => [
    'Origin',
    r.pick([origin, 'null', 'http://evil.example', `${origin}/`, '', junkText(r)]),
  ]);
  maybe(0.05, () => ['Origin', origin]); // a second Origin line
  maybe(0.1, () => [
    'X-API-Key',
    r.pick([`${poolRef(r, 'apiKey')},${poolRef(r, 'apiKey')}`, 'pc_live_', junkText(r)]),
  ]);
  maybe(0.15, () => [
    'X-Forwarded-For',
    r.pick([
      '203.0.113.5',
      '203.0.113.5, 10.0.0.1',
      'unknown',
      '999.1.1.1',
      '[2001:db8::1]:443',
      ',,,',
      Array.from({ length: 1500 }, (_, i) => `10.0.${i % 250}.1`).join(','),
      junkText(r),
    ]),
  ]);
  // A DPoP proof on any route (RFC 9449 §4): junk, someone else's request's, unsigned, oversized.
  maybe(0.05, () => [
    'DPoP',
    r.pick([
      junkText(r),
      '',
      'a.b.c',
      'e30.e30.',
      poolRef(r, 'dpopToken'),
      poolRef(r, 'dpopMe'),
      'e'.repeat(r.pick([8192, 20_000])),
    ]),
  ]);
  maybe(0.03, () => [
    'Authorization',
    r.pick([`DPoP ${poolRef(r, 'access')}`, 'DPoP {{boundAccess:0}}', `DPoP ${junkText(r)}`]),
  ]);
  maybe(0.1, () => ['X-Forwarded-Proto', r.pick(['https', 'http', 'gopher'])]);
  maybe(0.05, () => ['Connection', r.pick(['close', 'keep-alive', 'upgrade', 'junk'])]);
  maybe(0.05, () => ['Accept-Encoding', r.pick(['gzip', 'br, deflate', '*'])]);
  maybe(0.02, () => ['X-Huge', 'h'.repeat(r.pick([9000, 20_000, 70_000]))]);
  if (r.chance(0.02)) for (let i = 0; i < r.pick([200, 1500]); i++) headers.push([`X-Many-${i}`, 'v']);
  return headers;
}

export const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json, text/plain',
  '',
];
