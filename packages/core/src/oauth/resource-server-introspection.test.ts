import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthError, isAuthError } from '../errors/auth-error.js';
import { createResourceServer } from './resource-server.js';

const API = 'https://api.example.test';
const CLIENT_ID = 'reports-api';
const CLIENT_SECRET = 'introspection-secret-Q7v2Lk9xP4mW8zR3';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

type Answer = Record<string, unknown> | 'status-500' | 'not-json' | 'hang';

/** An RFC 7662 endpoint on a loopback port: answers per token, records every call. */
async function startEndpoint(answer: (token: string) => Answer) {
  const calls: {
    authorization: string | undefined;
    contentType: string | undefined;
    token: string | null;
  }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token');
      calls.push({
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        token,
      });
      const result = answer(token ?? '');
      if (result === 'hang') return;
      if (result === 'status-500') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('oops');
        return;
      }
      if (result === 'not-json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
  return { endpoint, calls };
}

const bearer = (token: string) => ({
  method: 'GET',
  url: '/reports',
  headers: { authorization: `Bearer ${token}` },
});

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error;
}

let now = Date.UTC(2026, 11, 5, 12);
const clock = () => now;
const nowSeconds = () => Math.floor(now / 1000);

function activeAnswer(extra: Record<string, unknown> = {}) {
  return {
    active: true,
    sub: 'svc-1',
    aud: API,
    iss: 'https://idp.example.test',
    scope: 'reports:read reports:write',
    exp: nowSeconds() + 600,
    iat: nowSeconds(),
    jti: 'at-1',
    ...extra,
  };
}

function server(endpoint: string, extra: Partial<Parameters<typeof createResourceServer>[0]> = {}) {
  return createResourceServer({
    introspection: { endpoint, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timeout: 0.5 },
    audience: API,
    clock,
    ...extra,
  } as Parameters<typeof createResourceServer>[0]);
}

describe('createResourceServer with introspection', () => {
  it('posts the token with client_secret_basic and makes the answer the principal, cnf kept', async () => {
    const cnf = { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' };
    const { endpoint, calls } = await startEndpoint(() => activeAnswer({ roles: ['auditor'], cnf }));
    const api = server(endpoint, { issuer: 'https://idp.example.test' });
    // Through the verifier: a key-bound token (cnf.jkt) is for the DPoP scheme, not Bearer.
    const principal = await api.verifier.verify('opaque-token-1');
    expect(principal).toMatchObject({
      subject: 'svc-1',
      scopes: ['reports:read', 'reports:write'],
      roles: ['auditor'],
      tokenId: 'at-1',
    });
    expect(principal.claims['cnf']).toEqual(cnf);
    expect(principal.expiresAt.getTime()).toBe((nowSeconds() + 600) * 1000);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.token).toBe('opaque-token-1');
    expect(calls[0]!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    const basic = Buffer.from(calls[0]!.authorization!.replace(/^Basic /, ''), 'base64').toString();
    expect(basic.split(':').map(decodeURIComponent)).toEqual([CLIENT_ID, CLIENT_SECRET]);
  });

  it('answers a warm token from the cache, and asks again once its entry expired', async () => {
    const { endpoint, calls } = await startEndpoint(() => activeAnswer());
    const api = server(endpoint);
    await api.authenticate(bearer('opaque-token-2'));
    await api.authenticate(bearer('opaque-token-2'));
    expect(calls).toHaveLength(1);
    expect(api.verifier.cacheSize).toBe(1);
    now += 31_000; // past the 30 s default ttl
    await api.authenticate(bearer('opaque-token-2'));
    expect(calls).toHaveLength(2);
  });

  it('keeps an entry no longer than the token’s exp', async () => {
    let exp = nowSeconds() + 10;
    const { endpoint, calls } = await startEndpoint(() => activeAnswer({ exp }));
    const api = server(endpoint, { clockTolerance: 0 });
    await api.authenticate(bearer('short-lived'));
    now += 11_000;
    exp = nowSeconds() + 10;
    await api.authenticate(bearer('short-lived'));
    expect(calls).toHaveLength(2);
  });

  it('keeps at most maxEntries answers, and asks isRevoked at every use, cached or not', async () => {
    const { endpoint, calls } = await startEndpoint((token) => activeAnswer({ jti: token }));
    const revoked = new Set<string>();
    const api = createResourceServer({
      introspection: { endpoint, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, cache: { maxEntries: 2 } },
      audience: API,
      clock,
      isRevoked: (principal) => revoked.has(principal.tokenId ?? ''),
    });
    for (const token of ['t1', 't2', 't3']) await api.authenticate(bearer(token));
    expect(api.verifier.cacheSize).toBe(2);
    await api.authenticate(bearer('t3'));
    expect(calls).toHaveLength(3);
    revoked.add('t3');
    expect((await refusal(api.authenticate(bearer('t3')))).reason).toBe('revoked');
    expect(calls).toHaveLength(3);
  });

  it('refuses an inactive token with 401 inactive, and never caches it', async () => {
    const { endpoint, calls } = await startEndpoint(() => ({ active: false }));
    const api = server(endpoint);
    for (let i = 0; i < 2; i += 1) {
      const error = await refusal(api.authenticate(bearer('revoked-token')));
      expect([api.errorResponse(error).status, error.code, error.reason]).toEqual([
        401,
        'invalid_token',
        'inactive',
      ]);
    }
    expect(calls).toHaveLength(2);
    expect(api.verifier.cacheSize).toBe(0);
  });

  it('checks aud always, and iss when the issuer is given', async () => {
    const { endpoint } = await startEndpoint((token) =>
      token === 'other-api' ? activeAnswer({ aud: 'https://other.example.test' }) : activeAnswer(),
    );
    expect((await refusal(server(endpoint).authenticate(bearer('other-api')))).reason).toBe('wrong_audience');
    const pinned = server(endpoint, { issuer: 'https://elsewhere.example.test' });
    expect((await refusal(pinned.authenticate(bearer('any')))).reason).toBe('wrong_issuer');
  });

  it('shares one request between concurrent first uses of a token', async () => {
    const { endpoint, calls } = await startEndpoint(() => activeAnswer());
    const api = server(endpoint);
    // All ten are asked before the endpoint's first answer can arrive.
    const principals = await Promise.all(
      Array.from({ length: 10 }, () => api.authenticate(bearer('busy-token'))),
    );
    expect(principals.every((p) => p.subject === 'svc-1')).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('fails closed with 503 when the endpoint is down, slow, answers 500 or no JSON, and caches none', async () => {
    let mode: Answer = 'status-500';
    const { endpoint, calls } = await startEndpoint(() => mode);
    const api = server(endpoint);
    const errors: AuthError[] = [];
    for (const next of ['status-500', 'not-json', 'hang'] as const) {
      mode = next;
      errors.push(await refusal(api.authenticate(bearer('token-during-outage'))));
    }
    const down = server('http://127.0.0.1:9/introspect');
    errors.push(await refusal(down.authenticate(bearer('token-during-outage'))));
    expect(errors.map((e) => [down.errorResponse(e).status, e.code])).toEqual(
      Array(4).fill([503, 'temporarily_unavailable']),
    );
    expect(errors.map((e) => e.reason)).toEqual([
      'introspection_bad_response',
      'introspection_bad_response',
      'introspection_timeout',
      'introspection_unreachable',
    ]);
    // The secret is in no message, cause, reason or response body.
    for (const error of errors) {
      const response = api.errorResponse(error);
      const seen = [
        error.message,
        String(error.reason),
        String((error.cause as Error | undefined)?.message),
        error.stack,
        JSON.stringify(response),
      ].join('\n');
      expect(seen).not.toContain(CLIENT_SECRET);
      expect(seen).not.toContain(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
    }
    mode = activeAnswer();
    const before = calls.length;
    expect((await api.authenticate(bearer('token-during-outage'))).subject).toBe('svc-1');
    expect(calls.length).toBe(before + 1);
  });

  it('refuses misused options at start-up, without echoing the secret', () => {
    const introspection = {
      endpoint: 'https://idp.example.test/introspect',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    };
    const misuses: unknown[] = [
      { introspection, audience: [] },
      { introspection: { ...introspection, endpoint: 'http://idp.example.test/introspect' }, audience: API },
      { introspection: { ...introspection, clientSecret: '' }, audience: API },
      { introspection: { ...introspection, cache: { ttl: '10m' } }, audience: API },
      { introspection: { ...introspection, cache: { maxEntries: 0 } }, audience: API },
      { introspection, audience: API, jwksUri: 'https://idp.example.test/jwks' },
      { introspection, audience: API, cache: { maxEntries: 5 } },
      { introspection, audience: API, resolveIssuer: () => undefined },
    ];
    for (const options of misuses) {
      let thrown: unknown;
      try {
        createResourceServer(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(/^portcullis: createResourceServer/);
      expect((thrown as Error).message).not.toContain(CLIENT_SECRET);
    }
  });
});
