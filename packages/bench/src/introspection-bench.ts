import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKeyring, createResourceServer, type ResourceServer } from '@portcullis/core';
import { createAccessTokenIssuer } from '@portcullis/core/tokens';
import { AUDIENCE, CLAIMS, ISSUER } from './fixtures.js';
import { formatOps, formatRatio, formatRme, printTable } from './format.js';
import { measure } from './measure.js';

/** Distinct tokens the cycling rows go through: far fewer than the introspection cache's default 10 000 entries. */
const DISTINCT_TOKENS = 1_000;
const distinct = formatOps(DISTINCT_TOKENS);
const CLIENT_ID = 'bench-api';
const CLIENT_SECRET = 'bench-api-secret';
const BASELINE = 'JWKS, same token (cache hit)';
const FULL_VERIFY = `JWKS, ${distinct} fresh tokens (cache: false)`;

interface Row {
  name: string;
  /** The endpoint path this row's resource server calls: each row has its own, so calls are counted per row. */
  path: string;
  api: ResourceServer;
  /** What the row cycles through, one request each. */
  tokens: readonly string[];
  /** Tokens authenticated before the timing: all of them to warm a cache, one to fetch the JWKS. */
  warm: readonly string[];
  note: string;
}

/** A loopback server for one handler; closed by the caller. */
async function listen(
  handle: (request: IncomingMessage, body: string) => { status: number; body: unknown },
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { status, body } = handle(request, Buffer.concat(chunks).toString('utf8'));
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** `client_secret_basic`: each of id and secret form-urlencoded before base64 (RFC 6749 §2.3.1). */
function basicCredentialsMatch(header: string | undefined): boolean {
  if (header?.startsWith('Basic ') !== true) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const formDecode = (value: string) => decodeURIComponent(value.replaceAll('+', ' '));
  return (
    colon > 0 &&
    formDecode(decoded.slice(0, colon)) === CLIENT_ID &&
    formDecode(decoded.slice(colon + 1)) === CLIENT_SECRET
  );
}

const requestFor = (token: string) => ({
  method: 'GET',
  url: '/reports',
  headers: { authorization: `Bearer ${token}` },
});

/** One request per call, cycling through `tokens`; the request objects are built once, outside the timing. */
function cycling(api: ResourceServer, tokens: readonly string[]): () => Promise<unknown> {
  const requests = tokens.map(requestFor);
  let next = 0;
  return () => {
    const request = requests[next]!;
    next = (next + 1) % requests.length;
    return api.authenticate(request);
  };
}

/**
 * `createResourceServer`'s `authenticate`, in-process, for one request: JWT access tokens verified against a
 * loopback JWKS (the baseline) against tokens checked at a loopback introspection endpoint (RFC 7662) whose
 * active answers are cached. Each row has its own resource server and its own endpoint path, so the calls
 * each one makes while timed are counted apart; the introspection rows are warmed first, and a warm cache
 * keeps their count at zero.
 */
export async function introspectionBench(): Promise<void> {
  const keyring = await createKeyring({ algorithm: 'EdDSA' });
  const issuer = createAccessTokenIssuer({ keyring, issuer: ISSUER, audience: AUDIENCE });
  const tokens: string[] = [];
  for (let i = 0; i < DISTINCT_TOKENS; i++)
    tokens.push((await issuer.issue({ ...CLAIMS, subject: `user-${i}` })).token);
  const token = tokens[0]!;

  const calls = new Map<string, number>();
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const endpoints = await listen((request, body) => {
    const path = request.url ?? '';
    calls.set(path, (calls.get(path) ?? 0) + 1);
    if (path.startsWith('/jwks/')) return { status: 200, body: keyring.jwks() };
    if (!basicCredentialsMatch(request.headers.authorization))
      return { status: 401, body: { error: 'invalid_client' } };
    const presented = new URLSearchParams(body).get('token') ?? '';
    return {
      status: 200,
      body: {
        active: true,
        sub: `subject-${presented.length}`,
        aud: AUDIENCE,
        iss: ISSUER,
        exp,
        scope: 'reports:read',
      },
    };
  });

  try {
    const jwt = (path: string, cache: boolean) =>
      createResourceServer({
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['EdDSA'],
        jwksUri: `${endpoints.url}${path}`,
        ...(cache ? {} : { cache: false as const }),
      });
    const introspected = (path: string) =>
      createResourceServer({
        introspection: {
          endpoint: `${endpoints.url}${path}`,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
        },
        audience: AUDIENCE,
        issuer: ISSUER,
      });

    const jwksReused = '/jwks/reused';
    const jwksFresh = '/jwks/fresh';
    const introspectReused = '/introspect/reused';
    const introspectCycling = '/introspect/cycling';
    const rows: Row[] = [
      {
        name: BASELINE,
        path: jwksReused,
        api: jwt(jwksReused, true),
        tokens: [token],
        warm: [token],
        note: 'verified-token cache',
      },
      {
        name: FULL_VERIFY,
        path: jwksFresh,
        api: jwt(jwksFresh, false),
        tokens,
        warm: [token],
        note: 'EdDSA signature and claims every call',
      },
      {
        name: 'introspection, same token (warm)',
        path: introspectReused,
        api: introspected(introspectReused),
        tokens: [token],
        warm: [token],
        note: 'SHA-256 of the token, cache lookup',
      },
      {
        name: `introspection, ${distinct} tokens cycling (warm)`,
        path: introspectCycling,
        api: introspected(introspectCycling),
        tokens,
        warm: tokens,
        note: `all ${distinct} warmed; the cache holds 10 000`,
      },
    ];

    // Warming, and the check that no timed row measures an error path: each token a row warms is accepted.
    for (const row of rows) await Promise.all(row.warm.map((t) => row.api.authenticate(requestFor(t))));
    const warming = new Map(calls);
    const results = await measure(
      rows.map((row) => ({ name: row.name, fn: cycling(row.api, row.tokens), async: true })),
    );
    const callsDuring = (row: Row) => (calls.get(row.path) ?? 0) - (warming.get(row.path) ?? 0);

    const baseline = results.get(BASELINE);
    const fullVerify = results.get(FULL_VERIFY);
    printTable(
      'authenticate(request), in-process; JWKS and introspection endpoints on 127.0.0.1',
      [
        { header: 'row' },
        { header: 'ops/s', align: 'right' },
        { header: 'rme', align: 'right' },
        { header: '× JWKS reused', align: 'right' },
        { header: '× JWKS fresh', align: 'right' },
        { header: 'warming calls', align: 'right' },
        { header: 'endpoint calls', align: 'right' },
        { header: 'note' },
      ],
      rows.map((row) => {
        const result = results.get(row.name);
        const warmed = String(warming.get(row.path) ?? 0);
        if (result === undefined) return [row.name, '–', '', '', '', warmed, '', 'not measured'];
        return [
          row.name,
          formatOps(result.opsPerSec),
          formatRme(result.rme),
          baseline === undefined ? '–' : formatRatio(result.opsPerSec / baseline.opsPerSec),
          fullVerify === undefined ? '–' : formatRatio(result.opsPerSec / fullVerify.opsPerSec),
          warmed,
          String(callsDuring(row)),
          row.note,
        ];
      }),
    );
    console.log(
      'warming calls: JWKS fetches or introspection requests before the timing; endpoint calls: those made ' +
        'while timed (tinybench warm-up included), zero with a warm cache.',
    );
    if (rows.some((row) => row.path.startsWith('/introspect/') && callsDuring(row) > 0)) process.exitCode = 1;
  } finally {
    await close(endpoints.server);
  }
}
