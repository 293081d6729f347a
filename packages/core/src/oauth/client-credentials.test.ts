import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/auth-error.js';
import {
  API,
  SERVICE_ID,
  SERVICE_SECRET,
  startTestProvider,
  type TestProvider,
} from '../testing/openid-provider.js';
import { fakeClock } from '../testing/token-fixtures.js';
import { createClientCredentials } from './client-credentials.js';
import { createResourceServer } from './resource-server.js';

let idp: TestProvider;
beforeAll(async () => {
  idp = await startTestProvider();
});
afterAll(() => idp.close());
afterEach(() => idp.failures.clear());

const tokenRequests = () => idp.hits.get('/token') ?? 0;

function client(options: Partial<Parameters<typeof createClientCredentials>[0]> = {}) {
  const clock = fakeClock(Date.now());
  const tokens = createClientCredentials({
    issuer: idp.issuer,
    clientId: SERVICE_ID,
    clientSecret: SERVICE_SECRET,
    scope: ['reports:read'],
    resource: API,
    clock,
    ...options,
  });
  return { tokens, clock };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error;
}

describe('createClientCredentials', () => {
  it('obtains a token (client_secret_basic) that the API’s resource server accepts', async () => {
    const { tokens } = client();
    const api = createResourceServer({ issuer: idp.issuer, audience: API });
    const principal = await api.authenticate({
      method: 'GET',
      url: '/reports',
      headers: { authorization: `Bearer ${await tokens.getToken()}` },
    });
    expect(principal).toMatchObject({ subject: SERVICE_ID, scopes: ['reports:read'] });
  });

  it('makes one request for 10 concurrent callers, and they all get the same token', async () => {
    const { tokens } = client();
    await tokens.getToken(); // discovery out of the way, then a fresh token
    tokens.invalidate();
    const before = tokenRequests();
    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
    expect(tokenRequests()).toBe(before + 1);
    expect(new Set(results).size).toBe(1);
  });

  it('serves the cached token until shortly before it expires (10% or 60 s early), then fetches a new one', async () => {
    const { tokens, clock } = client(); // tokens live 300 s: replaced after 270 s
    const first = await tokens.getToken();
    const before = tokenRequests();
    clock.advance(269);
    expect(await tokens.getToken()).toBe(first);
    expect(tokenRequests()).toBe(before);
    clock.advance(2);
    expect(await tokens.getToken()).not.toBe(first);
    expect(tokenRequests()).toBe(before + 1);
  });

  it('honours refreshBefore', async () => {
    const { tokens, clock } = client({ refreshBefore: '200s' });
    const first = await tokens.getToken();
    clock.advance(101);
    expect(await tokens.getToken()).not.toBe(first);
  });

  it('never caches a failure: every waiting caller gets 503, the next call tries again', async () => {
    const { tokens } = client();
    idp.failures.set('/token', 'status-500');
    const errors = await Promise.all([failure(tokens.getToken()), failure(tokens.getToken())]);
    for (const error of errors)
      expect(error).toMatchObject({ code: 'temporarily_unavailable', reason: 'bad_response' });
    idp.failures.clear();
    expect(await tokens.getToken()).toMatch(/^ey/);
  });

  it('gives up after the timeout when the server does not answer', async () => {
    const { tokens } = client({ timeout: 0.3 });
    await tokens.getToken();
    tokens.invalidate();
    idp.failures.set('/token', 'hang');
    const started = performance.now();
    expect((await failure(tokens.getToken())).reason).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1300);
  });

  it('reports a refused client by the server’s error code, never its secret', async () => {
    const { tokens } = client({ clientSecret: 'a-wrong-secret-that-must-not-leak' });
    const error = await failure(tokens.getToken());
    expect(error.reason).toBe('token_endpoint_error:invalid_client');
    expect(JSON.stringify({ message: error.message, reason: error.reason })).not.toContain('a-wrong-secret');
  });

  it('works with a token endpoint and no discovery', async () => {
    const { tokens } = client({ issuer: undefined, tokenEndpoint: `${idp.issuer}/token` });
    const before = idp.hits.get('/.well-known/openid-configuration') ?? 0;
    expect(await tokens.getToken()).toMatch(/^ey/);
    expect(idp.hits.get('/.well-known/openid-configuration') ?? 0).toBe(before);
  });

  it('refuses misused options at start-up', () => {
    const base = { clientId: 'a', clientSecret: 'b' };
    expect(() => createClientCredentials(base)).toThrow(TypeError);
    expect(() => createClientCredentials({ ...base, issuer: 'http://idp.example' })).toThrow(TypeError);
    expect(() => createClientCredentials({ ...base, issuer: idp.issuer, clientSecret: '' })).toThrow(
      TypeError,
    );
    expect(() => createClientCredentials({ ...base, issuer: idp.issuer, scope: [42 as never] })).toThrow(
      TypeError,
    );
    expect(() => createClientCredentials({ ...base, issuer: idp.issuer, timeout: 0 })).toThrow(TypeError);
  });
});
