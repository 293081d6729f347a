import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  signInFixture,
  startTestProvider,
  type TestProvider,
  tokenCookiesSet,
} from '../testing/openid-provider.js';

// Every call to a provider is bounded (10 s by default; 0.3 s here): a 5xx, a refused connection or no
// answer at all ends the sign-in with 400 invalid_request, never a hang and never a login.
const TIMEOUT = 0.3;

let idp: TestProvider;
beforeAll(async () => {
  idp = await startTestProvider();
  idp.loginAs = 'alice';
});
afterAll(() => idp.close());
afterEach(() => idp.failures.clear());

const fixture = (issuer = idp.issuer) =>
  signInFixture(
    { oidc: { issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } },
    { oauth: { timeout: TIMEOUT } },
  );

function reasons(events: unknown[]) {
  return events
    .filter((e) => (e as { type: string }).type === 'oauth.refused')
    .map((e) => (e as { reason: string }).reason);
}

async function timed<T>(work: Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work;
  return [result, performance.now() - started];
}

describe('discovery', () => {
  it('is lazy: an app starts before its provider, start answers 400 while the provider is down, then works', async () => {
    const { start, events } = await fixture();
    idp.failures.set('/.well-known/openid-configuration', 'status-500');
    const down = await start();
    expect(down.response.status).toBe(400);
    expect(down.response.body).toEqual({
      error: 'invalid_request',
      error_description: 'Sign-in with the provider failed',
    });
    expect(down.response.cookies).toEqual([]);
    expect(reasons(events)).toEqual(['provider_bad_status']);
    idp.failures.clear();
    expect((await start()).response.status).toBe(302); // the failure was not cached
  });

  it('is cached once it succeeded: one metadata request for many sign-ins', async () => {
    const { start } = await fixture();
    const before = idp.hits.get('/.well-known/openid-configuration') ?? 0;
    await Promise.all([start(), start(), start()]);
    await start();
    expect(idp.hits.get('/.well-known/openid-configuration')).toBe(before + 1);
  });

  it('gives up after the timeout when the provider does not answer', async () => {
    const { start } = await fixture();
    idp.failures.set('/.well-known/openid-configuration', 'hang');
    const [{ response }, ms] = await timed(start());
    expect(response.status).toBe(400);
    expect(ms).toBeLessThan(TIMEOUT * 1000 + 1000);
  });

  it('answers 400 when nothing listens at the issuer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { start } = await fixture(`http://127.0.0.1:${port}`);
    expect((await start()).response.status).toBe(400);
  });

  it('refuses metadata whose issuer is not the configured one', async () => {
    const impostor = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: idp.issuer }));
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const { start } = await fixture(`http://127.0.0.1:${(impostor.address() as AddressInfo).port}`);
      expect((await start()).response.status).toBe(400);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });
});

describe('the callback', () => {
  it.each([
    ['/token', 'status-500', 'provider_bad_status'],
    ['/token', 'hang', 'provider_timeout'],
    ['/jwks', 'status-500', 'provider_bad_status'],
    ['/jwks', 'hang', 'provider_timeout'],
    ['/me', 'status-500', 'provider_bad_status'],
    ['/me', 'hang', 'provider_timeout'],
  ] as const)(
    'refuses when %s answers %s: 400, no token cookie, no account, within the timeout',
    async (path, failure, reason) => {
      const { authorize, callback, users, events } = await fixture();
      const { callbackPath, cookie } = await authorize();
      idp.failures.set(path, failure);
      const [result, ms] = await timed(callback(callbackPath, cookie));
      expect(result.status).toBe(400);
      expect((result.body as { error: string }).error).toBe('invalid_request');
      expect(tokenCookiesSet(result)).toEqual([]);
      expect(users.count()).toBe(0);
      expect(reasons(events)).toEqual([reason]);
      expect(ms).toBeLessThan(TIMEOUT * 1000 + 1000);
    },
  );
});
