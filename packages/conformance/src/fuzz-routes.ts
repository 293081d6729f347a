// The HTTP fuzz's routes: every route of the contract with a body it would accept, odd paths and queries
// besides, and the other bodies a request may carry instead (wrong types, prototype pollution, around and
// far over 16 KiB, deeply nested, not JSON, not UTF-8).
import { junkText, madeUpPassword, poolRef } from './fuzz-pools.js';
import type { Random } from './fuzz-random.js';

export const LIMIT = 16 * 1024;

export interface RouteTemplate {
  method: string;
  path: string;
  body: (r: Random) => string | undefined;
  /** Headers of the route's own (DPoP proofs, a client's credentials), besides the generic ones. */
  headers?: (r: Random) => [string, string][];
  /** Its own headers carry the credential: the user's credential headers are left out. */
  ownCredential?: boolean;
  /** A client's route (RFC 6749 §2.3): the body is a form, the body's mutations are a form's. */
  form?: boolean;
}

const FORM = 'application/x-www-form-urlencoded';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A `DPoP` header (RFC 9449 §4): mostly a valid proof of `pool`, else broken, doubled, unsigned, oversized. */
export function dpopProof(r: Random, pool: 'dpopToken' | 'dpopLogin' | 'dpopRefresh' | 'dpopMe'): string {
  const valid = () => poolRef(r, pool);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return r.weighted<() => string>([
    [5, valid],
    [1, () => `${valid()}x`],
    [1, () => valid().replace(/\}\}$/, '~}}')],
    [1, () => poolRef(r, r.pick(['dpopToken', 'dpopLogin', 'dpopRefresh', 'dpopMe'] as const))],
    [
      1,
      // alg none: must never pass.
      () =>
        `${part({ typ: 'dpop+jwt', alg: 'none', jwk: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } })}.${part({ htm: 'POST', htu: 'http://127.0.0.1/oauth/token', jti: `none-${r.int(0, 1e9)}`, iat: Math.floor(Date.now() / 1000) })}.`,
    ],
    [1, () => `${valid()}, ${valid()}`],
    [1, () => `${valid()}${'A'.repeat(r.pick([8192, 20_000]))}`],
    [1, () => r.pick(['', 'a.b.c', 'e30.e30.', 'e30.e30.e30', 'DPoP', 'Bearer x'])],
    [1, () => junkText(r)],
  ])();
}

/** `Authorization` of a client: its Basic credentials, or Basic broken every way, or none (form secret). */
function clientAuthorization(r: Random): [string, string][] {
  return r.weighted<() => [string, string][]>([
    [6, () => [['Authorization', '{{basic:0}}']]],
    [1, () => [['Authorization', '{{basic:0~}}']]],
    [
      2,
      () => [
        [
          'Authorization',
          r.pick([
            'Basic',
            'Basic !!!!',
            'Basic ====',
            `Basic ${b64('fuzz')}`, // no colon
            `Basic ${b64('fuzz:')}`,
            `Basic ${b64(`nobody:${'s'.repeat(40)}`)}`,
            `Basic ${b64(`fuzz:wrong-${'w'.repeat(40)}`)}`,
            `Basic ${b64(`fuzz:${'x'.repeat(9000)}`)}`,
            `Basic ${b64(junkText(r))}`,
            `Basic ${junkText(r)}`,
            `basic ${b64('fuzz:x')}`,
            `Bearer ${poolRef(r, 'access')}`,
          ]),
        ],
      ],
    ],
    [
      1,
      () => [
        ['Authorization', '{{basic:0}}'],
        ['Authorization', '{{basic:0}}'],
      ],
    ],
    [2, () => []],
  ])();
}

function clientHeaders(r: Random, dpop: boolean): [string, string][] {
  const headers = clientAuthorization(r);
  if (r.chance(0.9))
    headers.push([
      'Content-Type',
      r.weighted<() => string>([
        [8, () => FORM],
        [1, () => r.pick([`${FORM}; charset=utf-8`, 'application/json', 'text/plain', `${FORM}x`, ''])],
      ])(),
    ]);
  if (dpop && r.chance(0.4)) headers.push(['DPoP', dpopProof(r, 'dpopToken')]);
  return headers;
}

const formValue = (r: Random, value: string) =>
  r.weighted<() => string>([
    [6, () => value],
    [1, () => encodeURIComponent(junkText(r))],
    [1, () => junkText(r)],
  ])();

/** A client's form: its own members, and its credentials in the body (client_secret_post) or not. */
function clientForm(r: Random, members: [string, string][]): string {
  const all = [...members];
  r.weighted<() => void>([
    [3, () => {}],
    [
      1,
      () =>
        all.push(
          ['client_id', 'fuzz'],
          ['client_secret', formValue(r, r.chance(0.8) ? '{{clientSecret:0}}' : '{{clientSecret:0~}}')],
        ),
    ],
    [1, () => all.push(['client_id', r.pick(['fuzz', 'nobody', ''])])],
  ])();
  return all.map(([k, v]) => `${k}=${v}`).join('&');
}

const revocable = (r: Random) =>
  poolRef(r, r.pick(['access', 'refresh', 'boundAccess', 'apiKey', 'session'] as const));

/** A client route's body: its form, or the form broken (a member twice, huge, malformed, JSON, not UTF-8). */
export function formBodyFor(r: Random, route: RouteTemplate): string | Buffer | undefined {
  const valid = route.body(r) ?? '';
  return r.weighted<() => string | Buffer | undefined>([
    [10, () => valid],
    [1, () => undefined],
    [
      2,
      () => {
        const members = valid.split('&');
        return [...members, `${members[r.int(0, members.length - 1)]!}${r.chance(0.5) ? 'x' : ''}`].join('&');
      },
    ],
    [
      1,
      () =>
        `${valid}&pad=${r.pick(['x', '%E2%82%AC']).repeat(r.pick([LIMIT, LIMIT + 1, (1024 * 1024) / 9]))}`,
    ],
    [
      1,
      () =>
        r.pick([
          '',
          '&',
          '==&&==',
          'grant_type',
          'grant_type=%zz',
          'grant_type=%E0%A4%A',
          'token[]=a&token[]=b',
          '__proto__[polluted]=yes&grant_type=client_credentials',
          'grant_type=client_credentials;scope=reports:read',
        ]),
    ],
    [1, () => JSON.stringify(Object.fromEntries(new URLSearchParams(valid)))],
    [1, () => Buffer.from([0xff, 0xfe, 0x3d, 0xc3, 0x28])],
  ])();
}

const email = (r: Random) =>
  r.weighted<() => string>([
    [4, () => `{{email:${r.int(0, 3)}}}`],
    [1, () => `fuzz-${r.int(0, 50)}@example.com`],
    [1, () => junkText(r)],
  ])();

const json = (value: unknown) => JSON.stringify(value);

export const ROUTES: RouteTemplate[] = [
  { method: 'GET', path: '/healthz', body: () => undefined },
  { method: 'GET', path: '/.well-known/jwks.json', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/register',
    body: (r) => json({ email: email(r), password: r.chance(0.5) ? madeUpPassword(r) : 'short' }),
  },
  {
    method: 'POST',
    path: '/auth/login',
    // Index 0 of both pools is the fuzz user and its password, so that some logins succeed and go deep.
    body: (r) => {
      const n = r.chance(0.5) ? 0 : r.int(0, 3);
      return json({
        email: `{{email:${n}}}`,
        password: r.chance(0.7) ? `{{password:${n}}}` : madeUpPassword(r),
      });
    },
    headers: (r) => (r.chance(0.2) ? [['DPoP', dpopProof(r, 'dpopLogin')]] : []),
  },
  {
    method: 'POST',
    path: '/auth/refresh',
    body: (r) => (r.chance(0.5) ? json({ refresh_token: poolRef(r, 'refresh') }) : undefined),
    headers: (r) => (r.chance(0.3) ? [['DPoP', dpopProof(r, 'dpopRefresh')]] : []),
  },
  { method: 'POST', path: '/auth/logout', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/session',
    body: (r) =>
      json({ email: '{{email:0}}', password: r.chance(0.7) ? '{{password:0}}' : madeUpPassword(r) }),
  },
  { method: 'DELETE', path: '/auth/session', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/password/change',
    // Never the real current password: the fuzz must not lock its own user out of the final check.
    body: (r) => json({ current_password: madeUpPassword(r), new_password: madeUpPassword(r) }),
  },
  { method: 'POST', path: '/auth/verify-email', body: (r) => json({ token: junkToken(r) }) },
  { method: 'POST', path: '/auth/verify-email/resend', body: () => undefined },
  { method: 'POST', path: '/auth/password/forgot', body: (r) => json({ email: email(r) }) },
  {
    method: 'POST',
    path: '/auth/password/reset',
    body: (r) => json({ token: junkToken(r), password: madeUpPassword(r) }),
  },
  { method: 'POST', path: '/admin/keys/rotate', body: () => undefined },
  {
    method: 'POST',
    path: '/api-keys',
    body: (r) =>
      json({
        name: r.pick(['fuzz key', '', 'x'.repeat(300), '\u0000']),
        scopes: r.pick([
          ['reports:read'],
          ['reports:write', 'reports:read'],
          ['admin:all'],
          [],
          'reports:read',
          null,
        ]),
        ...(r.chance(0.5) ? { expires_in: r.pick([60, 0, -1, 1e308, 3600.5, '60', null]) } : {}),
      }),
  },
  { method: 'GET', path: '/api-keys', body: () => undefined },
  {
    method: 'POST',
    path: '/api-keys/{{apiKeyId:0}}/roll',
    body: (r) => (r.chance(0.5) ? json({ grace_seconds: r.pick([0, 60, -5, 'x', 1e12]) }) : undefined),
  },
  { method: 'DELETE', path: '/api-keys/{{apiKeyId:1}}', body: () => undefined },
  // Second factors: junk and half-right bodies (the fuzz user never confirms a factor, so its logins stay
  // one-step for the final checks).
  { method: 'GET', path: '/auth/mfa', body: () => undefined },
  { method: 'POST', path: '/auth/mfa/totp', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/mfa/totp/confirm',
    body: (r) => json({ code: r.pick(['12345', '1234567', 'abcdef', 123456, null, '']) }),
  },
  {
    method: 'POST',
    path: '/auth/mfa/verify',
    body: (r) =>
      json({
        mfa_token: r.chance(0.5) ? junkToken(r) : r.pick([null, 42, '']),
        ...r.pick([{ code: '123456' }, { recovery_code: 'ABCDE-12345' }, { webauthn: { id: 'x' } }, {}]),
      }),
  },
  {
    method: 'POST',
    path: '/auth/passkeys/login/options',
    body: (r) => (r.chance(0.5) ? json({ mfa_token: junkToken(r) }) : undefined),
  },
  {
    method: 'POST',
    path: '/auth/passkeys/login',
    body: (r) =>
      json({ response: r.pick([{ id: 'AAAA', response: {} }, null, 'x', { id: 'x'.repeat(2000) }]) }),
  },
  { method: 'POST', path: '/auth/passkeys/register/options', body: () => undefined },
  {
    method: 'POST',
    path: '/auth/passkeys/register',
    body: (r) => json({ response: r.pick([{ id: 'AAAA', response: {} }, null]), name: r.pick(['k', '', 7]) }),
  },
  {
    method: 'POST',
    path: '/auth/reauthenticate',
    body: (r) => json(r.pick([{ password: madeUpPassword(r) }, { code: '000000' }, {}, { password: 5 }])),
  },
  { method: 'GET', path: '/me', body: () => undefined },
  // DPoP at a resource (RFC 9449 §7): the bound token with its proofs, an unbound one, junk.
  {
    method: 'GET',
    path: '/me',
    body: () => undefined,
    ownCredential: true,
    headers: (r) => {
      const headers: [string, string][] = [
        [
          'Authorization',
          r.weighted<() => string>([
            [4, () => 'DPoP {{boundAccess:0}}'],
            [2, () => `DPoP ${poolRef(r, 'access')}`],
            [1, () => 'Bearer {{boundAccess:0}}'],
            [1, () => `DPoP ${r.pick(['', ' ', 'a.b.c', junkText(r)])}`],
            [1, () => r.pick(['DPoP', 'dpop {{boundAccess:0}}', 'DPoP {{boundAccess:0}} x'])],
          ])(),
        ],
      ];
      if (r.chance(0.8)) headers.push(['DPoP', dpopProof(r, 'dpopMe')]);
      return headers;
    },
  },
  {
    method: 'POST',
    path: '/oauth/token',
    ownCredential: true,
    form: true,
    body: (r) => {
      const members: [string, string][] = [
        [
          'grant_type',
          formValue(r, r.chance(0.85) ? 'client_credentials' : r.pick(['password', 'refresh_token', ''])),
        ],
      ];
      if (r.chance(0.6))
        members.push([
          'scope',
          formValue(r, r.pick(['reports:read', 'reports%3Aread', 'reports:write', 'admin:all', ''])),
        ]);
      return clientForm(r, members);
    },
    headers: (r) => clientHeaders(r, true),
  },
  {
    method: 'POST',
    path: '/oauth/introspect',
    ownCredential: true,
    form: true,
    body: (r) => {
      const members: [string, string][] = [['token', formValue(r, revocable(r))]];
      if (r.chance(0.4))
        members.push(['token_type_hint', r.pick(['access_token', 'refresh_token', 'nonsense', ''])]);
      return clientForm(r, members);
    },
    headers: (r) => clientHeaders(r, false),
  },
  {
    method: 'POST',
    path: '/oauth/revoke',
    ownCredential: true,
    form: true,
    body: (r) => {
      const members: [string, string][] = [['token', formValue(r, revocable(r))]];
      if (r.chance(0.4))
        members.push(['token_type_hint', r.pick(['access_token', 'refresh_token', 'nonsense', ''])]);
      return clientForm(r, members);
    },
    headers: (r) => clientHeaders(r, false),
  },
  { method: 'GET', path: '/admin/stats', body: () => undefined },
  { method: 'GET', path: '/service/reports', body: () => undefined },
  { method: 'GET', path: '/auth/oauth/oidc/start', body: () => undefined },
  { method: 'GET', path: '/auth/oauth/google/callback?code=x&state=y', body: () => undefined },
  { method: 'GET', path: '/', body: () => undefined },
  { method: 'GET', path: '/demo.js', body: () => undefined },
];

export const ODD_PATHS = [
  '/no/such/route',
  '/auth//login',
  '/AUTH/LOGIN',
  '/auth/login/',
  '/auth/login;jsessionid=1',
  '/auth/login%00',
  '/auth/oauth/%ZZ/start',
  '/auth/oauth/%E0%A4%A/callback',
  '/api-keys/%E0%A4%A/roll',
  '/api-keys/%/roll',
  '/api-keys/__proto__',
  '/api-keys/constructor/roll',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/..%2f..%2fhealthz',
  '//healthz',
  '/healthz/..',
  '/me%2f',
  `/${'a'.repeat(3000)}`,
  '/\u00e9t\u00e9',
  '/healthz#fragment',
];

/** Queries besides none (most requests have none: a credential in one is refused before anything else). */
export const QUERIES = [
  '?x=1',
  '?access_token={{access:0}}',
  '?api_key={{apiKey:0}}',
  '?ToKeN=abc',
  '?%74oken=abc',
  '?a=%zz&b',
  `?q=${'y'.repeat(5000)}`,
];

const junkToken = (r: Random) =>
  r.pick(['A'.repeat(43), '', '{{refresh:0}}', '../../etc/passwd', 'x'.repeat(10_000), 'Zm9v', '\u0000']);

/** The body: usually the route's own, otherwise anything from wrong types to a megabyte. */
export function bodyFor(r: Random, route: RouteTemplate): string | Buffer | undefined {
  const valid = route.body(r) ?? (route.method === 'GET' ? undefined : '{}');
  return r.weighted<() => string | Buffer | undefined>([
    [10, () => valid],
    [2, () => undefined],
    [
      2,
      () =>
        json({
          ...(JSON.parse(valid ?? '{}') as object),
          [r.pick(['email', 'password', 'refresh_token', 'scopes', 'name', 'token'])]: r.pick([
            1,
            null,
            [],
            {},
            true,
            [['x']],
          ]),
        }),
    ],
    [
      1,
      () =>
        `{"__proto__":{"role":"admin","polluted":"yes"},"constructor":{"prototype":{"isAdmin":true}}${valid !== undefined && valid.length > 2 ? `,${valid.slice(1)}` : '}'}`,
    ],
    [
      1,
      () => {
        const target = r.pick([LIMIT - 10, LIMIT, LIMIT + 1, LIMIT + 100, 1024 * 1024]);
        const unit = r.pick(['x', '\u20ac']);
        const base = Buffer.byteLength(json({ pad: '' }));
        return json({ pad: unit.repeat(Math.max(0, Math.floor((target - base) / Buffer.byteLength(unit)))) });
      },
    ],
    [1, () => r.pick(['{', '{"email":', 'nul', '[]', '"x"', '42', '{}{}', '\ufeff{}', 'email=a&password=b'])],
    [
      1,
      () => {
        const depth = r.pick([1000, 8000, 100_000]);
        return '['.repeat(depth) + ']'.repeat(depth);
      },
    ],
    [
      1,
      () =>
        Buffer.from(
          r.pick([
            [0xff, 0xfe, 0xfd],
            [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d],
            [0xed, 0xa0, 0x80],
          ]),
        ),
    ],
  ])();
}
