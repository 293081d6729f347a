import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { extractBearerToken } from './bearer.js';
import { readJsonObject } from './json-body.js';
import {
  headersFromFetch,
  headersFromNode,
  headersFromRawHeaders,
  MAX_DISCARDED_BODY_BYTES,
  NodeAuthRequest,
  readBodyText,
} from './node-request.js';

describe('neutral request helpers', () => {
  it('keep a repeated Authorization header from rawHeaders, so it is refused', () => {
    const headers = headersFromRawHeaders([
      'Authorization',
      'Bearer a',
      'Host',
      'x',
      'authorization',
      'Bearer b',
    ]);
    expect(headers['authorization']).toEqual(['Bearer a', 'Bearer b']);
    expect(() => extractBearerToken(headers)).toThrow('Malformed authorization header');
  });

  it('see a repeated Authorization or X-API-Key through headersFromNode without copying the headers', () => {
    const message = {
      headers: { authorization: 'Bearer a', host: 'x', cookie: 'a=1; b=2' },
      rawHeaders: [
        'Authorization',
        'Bearer a',
        'Host',
        'x',
        'AUTHORIZATION',
        'Bearer b',
        'Cookie',
        'a=1',
        'Cookie',
        'b=2',
      ],
    };
    const headers = headersFromNode(message);
    expect(headers['authorization']).toEqual(['Bearer a', 'Bearer b']);
    expect(() => extractBearerToken(headers)).toThrow('Malformed authorization header');
    expect(headers['cookie']).toBe('a=1; b=2');
    expect(headers['x-api-key']).toBeUndefined();
    const single = headersFromNode({
      headers: { authorization: 'Bearer abc' },
      rawHeaders: ['authorization', 'Bearer abc'],
    });
    expect(extractBearerToken(single)).toBe('abc');
  });

  it("hand over Node's own headers object when no credential header is repeated, and read a doubled X-API-Key raw", () => {
    const single = {
      headers: { 'x-api-key': 'pc_a', host: 'x' },
      rawHeaders: ['X-Api-Key', 'pc_a', 'Host', 'x'],
    };
    expect(headersFromNode(single)).toBe(single.headers);
    const doubled = {
      headers: { 'x-api-key': 'pc_a, pc_b' },
      rawHeaders: ['X-API-Key', 'pc_a', 'x-api-key', 'pc_b'],
    };
    const headers = headersFromNode(doubled);
    expect(headers).not.toBe(doubled.headers);
    expect(headers['x-api-key']).toEqual(['pc_a', 'pc_b']);
  });

  it('refuse a doubled Authorization header joined by Fetch', () => {
    const fetchHeaders = new Headers([
      ['authorization', 'Bearer a'],
      ['authorization', 'Bearer b'],
    ]);
    expect(() => extractBearerToken(headersFromFetch(fetchHeaders))).toThrow(
      'Malformed authorization header',
    );
    expect(extractBearerToken(headersFromFetch(new Headers({ Authorization: 'Bearer abc' })))).toBe('abc');
    const keys = new Headers([
      ['x-api-key', 'pc_live_a'],
      ['x-api-key', 'pc_live_b'],
    ]);
    expect(headersFromFetch(keys)['x-api-key']).toEqual(['pc_live_a', 'pc_live_b']);
  });

  it('read a body up to the limit plus one byte, so that core answers 413', async () => {
    const small = await readBodyText(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]), 16);
    expect(readJsonObject(small, 16)).toEqual({ a: 1 });
    let pulled = 0;
    const huge = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          pulled += 1;
          yield Buffer.alloc(1024, 0x61);
        }
      })(),
    );
    const text = await readBodyText(huge, 16 * 1024);
    // Answered as soon as the limit is passed, not once the whole body has arrived.
    expect(pulled).toBeLessThan(30);
    expect(text.length).toBe(16 * 1024 + 1);
    expect(() => readJsonObject(text)).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
  });

  it('read the rest of an oversized body to its end and throw it away, never destroying the stream', async () => {
    // attack: a destroyed request resets its keep-alive connection under the client's next request.
    let pulled = 0;
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          pulled += 1;
          yield Buffer.alloc(1024, 0x61);
        }
      })(),
    );
    await readBodyText(body, 16 * 1024);
    await new Promise((resolve) => body.once('end', resolve));
    expect(pulled).toBe(1000);
    expect(body.readableAborted).toBe(false);
  });

  it('cut off a body still coming after MAX_DISCARDED_BODY_BYTES', async () => {
    const chunk = 64 * 1024;
    let pulled = 0;
    let cutOff = false;
    const endless: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          pulled += 1;
          return { done: false, value: new Uint8Array(chunk) };
        },
        return: async () => {
          cutOff = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const text = await readBodyText(endless, 16 * 1024);
    expect(text.length).toBe(16 * 1024 + 1);
    expect(cutOff).toBe(false);
    await expect.poll(() => cutOff).toBe(true);
    expect(pulled * chunk).toBeGreaterThan(MAX_DISCARDED_BODY_BYTES);
    expect(pulled * chunk).toBeLessThanOrEqual(MAX_DISCARDED_BODY_BYTES + 2 * chunk);
  });
});

describe('NodeAuthRequest', () => {
  it("holds the fields it was given and reads the socket's address only when asked", () => {
    let lookups = 0;
    const source = { address: '203.0.113.7' };
    const readRemoteAddress = (s: typeof source) => {
      lookups++;
      return s.address;
    };
    const request = new NodeAuthRequest(
      'GET',
      '/me?x=1',
      { host: 'a' },
      { id: '1' },
      source,
      readRemoteAddress,
    );
    expect(request).toMatchObject({
      method: 'GET',
      url: '/me?x=1',
      headers: { host: 'a' },
      params: { id: '1' },
    });
    expect(lookups).toBe(0);
    expect(request.remoteAddress).toBe('203.0.113.7');
    expect(lookups).toBe(1);
  });
});
