// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// Arbitraries of whole requests to `createAuth`'s routes (method, URL, parameters, headers, body, client
// address) and of runs of them, and the neutral request each stands for once a world fills it in.
import fc from 'fast-check';
import type { AuthRequest } from '../http/types.js';
import { type BodySpec, bodyFor } from './fuzz-bodies.js';
import { headersAndQuery, routeHeaders } from './fuzz-headers.js';
import { junk, ref, resolve, resolveDeep } from './fuzz-values.js';
import { ORIGIN, PROVIDER, type Target, type World } from './fuzz-world.js';

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
      ownHeaders: routeHeaders(route.path),
      body: bodyFor(route.path),
      remoteAddress,
    })
    .map(({ headersAndQuery: { headers, query: credentialQuery }, ownHeaders, query: ownQuery, ...rest }) => {
      // The route's own headers win; one it names as `undefined` is left out.
      const merged = { ...headers };
      for (const [name, value] of Object.entries(ownHeaders))
        if (value === undefined) delete merged[name];
        else merged[name] = value;
      return {
        ...rest,
        // The sign-in's state goes with its cookie, unless the query was going to carry something else.
        query: credentialQuery !== undefined && ownQuery === '' ? credentialQuery : ownQuery,
        headers: merged,
      };
    });
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
export function materialize(world: World, route: RouteShape, spec: FuzzRequest): AuthRequest {
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
