import type { Context } from 'hono';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { nodeRequestOf, secureOnNodeWrite } from './node-fast-path.js';

/** Runs `read` on the context of one `app.request()` made with `env` as its bindings (`c.env`). */
async function withContext<T>(env: unknown, read: (c: Context) => T): Promise<T> {
  let result: T | undefined;
  const app = new Hono();
  app.get('*', (c) => {
    result = read(c);
    return c.body(null, 204);
  });
  await app.request('http://127.0.0.1/x?y=1', {}, env as object);
  return result as T;
}

/** A stand-in for Node's `ServerResponse`: records what reaches the real `writeHead`. */
function fakeOutgoing() {
  const written: unknown[][] = [];
  const removed: string[] = [];
  const outgoing = {
    writeHead(...args: unknown[]) {
      written.push(args);
      return outgoing;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  return { outgoing, written, removed };
}

const SECURED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
};

describe('nodeRequestOf', () => {
  it('finds nothing without @hono/node-server’s bindings (app.request, edge runtimes)', async () => {
    expect(await withContext(undefined, nodeRequestOf)).toBeUndefined();
    expect(await withContext({ KV: {} }, nodeRequestOf)).toBeUndefined();
    expect(await withContext({ incoming: { url: '/x' } }, nodeRequestOf)).toBeUndefined();
  });

  it('reads method, path with query and Node’s headers, repeated credentials from the raw list', async () => {
    const incoming = {
      method: 'GET',
      url: '/x?y=1',
      headers: { host: '127.0.0.1', authorization: 'Bearer a' },
      rawHeaders: ['Host', '127.0.0.1', 'Authorization', 'Bearer a', 'authorization', 'Bearer b'],
    };
    const request = await withContext({ incoming }, nodeRequestOf);
    expect(request).toMatchObject({ method: 'GET', url: '/x?y=1' });
    expect(request!.headers['host']).toBe('127.0.0.1');
    expect(request!.headers['authorization']).toEqual(['Bearer a', 'Bearer b']);
  });
});

describe('secureOnNodeWrite', () => {
  it('changes nothing and answers false without Node’s response', async () => {
    expect(await withContext(undefined, secureOnNodeWrite)).toBe(false);
    expect(await withContext({ outgoing: { writeHead() {} } }, secureOnNodeWrite)).toBe(false);
  });

  it('replaces the owned headers in any case, keeps the others, and never changes the record given', async () => {
    const { outgoing, written, removed } = fakeOutgoing();
    expect(await withContext({ outgoing }, secureOnNodeWrite)).toBe(true);
    const given = Object.freeze({
      'Content-Type': 'text/plain',
      'X-Frame-Options': 'SAMEORIGIN',
      'X-Powered-By': 'x',
    });
    outgoing.writeHead(200, given);
    expect(written[0]).toEqual([200, { 'Content-Type': 'text/plain', ...SECURED }]);
    expect(removed).toEqual(['x-powered-by']);
  });

  it('takes a status message, a flat raw list, a list of pairs, or no headers at all', async () => {
    const { outgoing, written } = fakeOutgoing();
    await withContext({ outgoing }, secureOnNodeWrite);
    outgoing.writeHead(200, 'Fine', ['content-type', 'text/plain', 'x-frame-options', 'SAMEORIGIN']);
    outgoing.writeHead(201, [
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    outgoing.writeHead(204);
    expect(written).toEqual([
      [200, 'Fine', { 'content-type': 'text/plain', ...SECURED }],
      [201, { 'set-cookie': ['a=1', 'b=2'], ...SECURED }],
      [204, SECURED],
    ]);
  });
});
