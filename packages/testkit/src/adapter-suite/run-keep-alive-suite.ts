import { type Auth, createAuth, createMemoryStores, createMemoryUserDirectory } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onOneConnection, type RawHttpRequest, type RawOutcome } from './raw-http.js';
import { SUITE_ORIGIN } from './run-adapter-suite.js';

/**
 * Starts the adapter's app on a real loopback socket: `auth.routes` mounted, unknown routes answered 404
 * through the adapter's error handling. Returns the port it listens on.
 */
export type ListenTestApp = (auth: Auth) => Promise<{ port: number; close(): Promise<void> }>;

const JSON_TYPE = { 'content-type': 'application/json' };
const HEALTH: RawHttpRequest = { method: 'GET', path: '/healthz' };

/** A JSON login body of about `bytes` bytes: over the 16 KiB limit of the auth routes when `bytes` is. */
function loginBody(bytes: number): string {
  return JSON.stringify({ email: 'a@example.com', password: 'x', pad: 'p'.repeat(bytes) });
}

/** The contract's rule: the next request is answered normally, unless the error said `Connection: close`. */
function expectReusable(outcomes: RawOutcome[], firstStatus: number): void {
  const [first, second] = outcomes;
  expect(first, 'the error response itself').toMatchObject({ status: firstStatus });
  if (typeof first !== 'object') return;
  if (first.headers['connection']?.toLowerCase() === 'close') return;
  expect(second, 'the next request on the same connection').toMatchObject({ status: 200 });
  expect(JSON.parse((second as { body: string }).body)).toEqual({ status: 'ok' });
}

/**
 * The keep-alive rule of the contract, over a real TCP connection (`node:net`), for one adapter: after an
 * error answered before or while the body was read — 413 for an oversized body, 404 for a body sent to an
 * unknown route — the next request on the same connection gets a normal answer (or the error said
 * `Connection: close`): never a reset.
 *
 * @example runKeepAliveSuite('express', async (auth) => { const server = app.listen(0); … return { port, close } });
 */
export function runKeepAliveSuite(name: string, listen: ListenTestApp): void {
  describe(`keep-alive after an error: ${name}`, () => {
    let port: number;
    let close: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const auth = await createAuth({
        stores: createMemoryStores(),
        users: createMemoryUserDirectory(),
        issuer: SUITE_ORIGIN,
        audience: 'portcullis-demo',
        appOrigin: SUITE_ORIGIN,
        apiKeys: { pepper: 'keep-alive-suite-pepper-3Fk8Qw2Lm7Zp4Rt9' },
      });
      ({ port, close } = await listen(auth));
    });
    afterAll(async () => {
      await close?.();
    });

    it.each([
      ['just over the limit', 17 * 1024],
      ['a megabyte', 1024 * 1024],
    ])('413 for a body %s, then a normal answer on the same connection', async (_label, bytes) => {
      const outcomes = await onOneConnection(port, [
        { method: 'POST', path: '/auth/login', headers: JSON_TYPE, body: loginBody(bytes) },
        HEALTH,
      ]);
      expectReusable(outcomes, 413);
    });

    it('404 for a body sent to an unknown route, then a normal answer', async () => {
      const outcomes = await onOneConnection(port, [
        { method: 'POST', path: '/no/such/route', headers: JSON_TYPE, body: loginBody(20_000) },
        HEALTH,
      ]);
      expectReusable(outcomes, 404);
    });

    it('400 for a body that is not JSON, then a normal answer', async () => {
      const outcomes = await onOneConnection(port, [
        { method: 'POST', path: '/auth/login', headers: JSON_TYPE, body: '{"email":' },
        HEALTH,
      ]);
      expectReusable(outcomes, 400);
    });
  });
}
