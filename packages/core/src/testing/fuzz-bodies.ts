// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// Arbitraries of request bodies: the route's own, with wrong types, prototype-pollution members, padded
// around the 16 KiB limit, deeply nested, not JSON, not UTF-8, or already parsed by a framework.
import fc from 'fast-check';
import { exact, index, junk, ref } from './fuzz-values.js';

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

/** A form member's value: the world's credentials mostly, else junk (encoded, or left raw to break the form). */
const formValue = (arb: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 4, arbitrary: arb },
    junk.map((j) => {
      try {
        return encodeURIComponent(j);
      } catch {
        return j; // a lone surrogate: no UTF-8 form
      }
    }),
    junk,
  );

/** The members of a form the /oauth route `path` would accept. */
function validForm(path: string): fc.Arbitrary<[string, string][]> {
  const clientPost = fc.oneof(
    { weight: 3, arbitrary: fc.constant<[string, string][]>([]) },
    fc.constant<[string, string][]>([
      ['client_id', 'fuzz-worker'],
      ['client_secret', '{{clientSecret:0}}'],
    ]),
    fc
      .tuple(fc.constantFrom('fuzz-worker', 'nobody', ''), formValue(ref('clientSecret')))
      .map(([id, secret]): [string, string][] => [
        ['client_id', id],
        ['client_secret', secret],
      ]),
    fc.constant<[string, string][]>([['client_id', 'fuzz-worker']]),
  );
  const token = formValue(
    fc.oneof(ref('access'), ref('boundAccess'), ref('refresh'), ref('apiKey'), ref('session')),
  );
  const own: fc.Arbitrary<[string, string][]> =
    path === '/oauth/token'
      ? fc
          .record(
            {
              grant_type: formValue(
                fc.oneof(
                  { weight: 4, arbitrary: fc.constant('client_credentials') },
                  fc.constantFrom(
                    'password',
                    'refresh_token',
                    'authorization_code',
                    'CLIENT_CREDENTIALS',
                    '',
                  ),
                ),
              ),
              scope: formValue(
                fc.constantFrom(
                  'reports:read',
                  'reports%3Aread',
                  'reports:write',
                  'reports:read admin:all',
                  '',
                ),
              ),
            },
            { requiredKeys: ['grant_type'] },
          )
          .map((form) => Object.entries(form))
      : fc
          .record(
            {
              token,
              token_type_hint: formValue(
                fc.constantFrom('access_token', 'refresh_token', 'api_key', 'nonsense', ''),
              ),
            },
            { requiredKeys: ['token'] },
          )
          .map((form) => Object.entries(form));
  return fc.tuple(own, clientPost).map(([members, client]) => [...members, ...client]);
}

const joinForm = (members: readonly [string, string][]) => members.map(([k, v]) => `${k}=${v}`).join('&');

/** Form bodies (RFC 6749 §3.2): valid, with a member twice, huge, malformed, or JSON instead. */
function formBody(path: string): fc.Arbitrary<string> {
  const valid = validForm(path);
  return fc.oneof(
    { weight: 8, arbitrary: valid.map(joinForm) },
    // A member twice (RFC 6749 §3.2: parameters must not repeat), same value or not.
    fc.tuple(valid, fc.nat(), fc.boolean()).map(([members, which, same]) => {
      if (members.length === 0) return 'grant_type=a&grant_type=b';
      const [name, value] = members[which % members.length]!;
      return joinForm([...members, [name, same ? value : `${value}x`]]);
    }),
    // Huge values, around and past the body limit.
    fc
      .tuple(
        valid,
        fc.constantFrom(LIMIT - 100, LIMIT, LIMIT + 1, 1024 * 1024),
        fc.constantFrom('x', '%E2%82%AC'),
      )
      .map(
        ([members, bytes, unit]) => `${joinForm(members)}&pad=${unit.repeat(Math.ceil(bytes / unit.length))}`,
      ),
    fc.constantFrom(
      '',
      '&',
      '=',
      '==&&==',
      'grant_type',
      'grant_type=',
      'grant_type=client_credentials&',
      '&grant_type=client_credentials',
      'grant_type=%zz',
      'grant_type=%E0%A4%A',
      'grant%5Ftype=client_credentials',
      'grant_type=client_credentials;scope=reports:read',
      'grant_type=client+credentials',
      'token=%00',
      'token[]=a&token[]=b',
      '__proto__=x&constructor=y&token=x',
      '__proto__[polluted]=yes&grant_type=client_credentials',
    ),
    valid.map((members) => JSON.stringify(Object.fromEntries(members))),
    junk,
  );
}

export type BodySpec =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: readonly number[] }
  | { kind: 'parsed'; value: unknown };

export function bodyFor(path: string): fc.Arbitrary<BodySpec> {
  const valid = validBody(path);
  const text = (arb: fc.Arbitrary<string>) => arb.map((t): BodySpec => ({ kind: 'text', text: t }));
  if (path.startsWith('/oauth/'))
    return fc.oneof(
      { weight: 10, arbitrary: text(formBody(path)) },
      { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
      { weight: 1, arbitrary: invalidUtf8.map((bytes): BodySpec => ({ kind: 'bytes', bytes })) },
      // A framework's own parser: the form as an object, or anything else.
      {
        weight: 1,
        arbitrary: fc
          .oneof(
            validForm(path).map((members) => Object.fromEntries(members) as unknown),
            fc.jsonValue({ maxDepth: 2 }),
            fc.constantFrom(null, [], '', 'grant_type=client_credentials'),
          )
          .map((value): BodySpec => ({ kind: 'parsed', value })),
      },
    );
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
