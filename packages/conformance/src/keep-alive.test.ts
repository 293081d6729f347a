// The contract's keep-alive rule against every demo as a real process, over one raw TCP connection: after an
// error response, the next request on the same connection gets a normal answer (or the error said
// `Connection: close`) — never a reset.
import { onOneConnection, type RawHttpRequest, type RawOutcome } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const HEALTH: RawHttpRequest = { method: 'GET', path: '/healthz' };

const padded = (bytes: number) =>
  JSON.stringify({ email: 'keep-alive@example.com', password: 'x', pad: 'p'.repeat(bytes) });

function expectReusable(outcomes: RawOutcome[], status: number): void {
  const [first, second] = outcomes;
  expect(first, 'the error response').toMatchObject({ status });
  if (typeof first === 'object' && first.headers['connection']?.toLowerCase() === 'close') return;
  expect(second, 'the next request on the same connection').toMatchObject({ status: 200 });
}

describe.each(FRAMEWORKS)('keep-alive after an error on the %s demo', (framework) => {
  let app: DemoProcess;
  let port: number;
  beforeAll(async () => {
    app = await startDemo(framework);
    port = Number(new URL(app.url).port);
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  it.each([
    ['/auth/login', 17 * 1024],
    ['/auth/register', 17 * 1024],
    ['/auth/login', 1024 * 1024],
  ])('413 on %s for a %d-byte body, then a normal answer', async (path, bytes) => {
    const outcomes = await onOneConnection(port, [
      { method: 'POST', path, headers: JSON_TYPE, body: padded(bytes) },
      HEALTH,
    ]);
    expectReusable(outcomes, 413);
  });

  it('404 for a body sent to an unknown route, 400 for a body that is not JSON, then normal answers', async () => {
    const outcomes = await onOneConnection(port, [
      { method: 'POST', path: '/no/such/route', headers: JSON_TYPE, body: padded(20_000) },
      HEALTH,
    ]);
    expectReusable(outcomes, 404);
    const broken = await onOneConnection(port, [
      { method: 'POST', path: '/auth/login', headers: JSON_TYPE, body: '{"email":' },
      HEALTH,
    ]);
    expectReusable(broken, 400);
  });

  it('401 for a protected route refused before its body was read, then a normal answer', async () => {
    // An app route: the framework's authentication refuses it, and nobody reads the body.
    const outcomes = await onOneConnection(port, [
      { method: 'GET', path: '/admin/stats', headers: JSON_TYPE, body: padded(20_000) },
      HEALTH,
    ]);
    expectReusable(outcomes, 401);
  });
});
