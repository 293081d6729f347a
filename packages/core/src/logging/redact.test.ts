import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { redact } from './redact.js';

const R = '[redacted]';

describe('redact', () => {
  it('censors credential headers whatever their case, and keeps the others', () => {
    const headers = {
      Authorization: 'Bearer eyJhbGciOi.secret',
      cookie: '__Host-portcullis-sid=s3cret',
      'Set-Cookie': ['__Host-portcullis-refresh=r3fresh; Path=/'],
      'X-API-Key': 'pk_live_abc',
      'x-api-key': 'pk_live_def',
      'proxy-authorization': 'Basic dXNlcjpwYXNz',
      'user-agent': 'curl/8',
      'content-type': 'application/json',
    };
    expect(redact({ req: { method: 'GET', headers } })).toEqual({
      req: {
        method: 'GET',
        headers: {
          Authorization: R,
          cookie: R,
          'Set-Cookie': R,
          'X-API-Key': R,
          'x-api-key': R,
          'proxy-authorization': R,
          'user-agent': 'curl/8',
          'content-type': 'application/json',
        },
      },
    });
  });

  it('censors password, token, key and secret fields at any depth, in either spelling', () => {
    const input = {
      password: 'p',
      body: { email: 'a@example.com', new_password: 'n', currentPassword: 'c' },
      result: { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900 },
      deep: { a: { b: { c: { d: { refreshToken: 'r2', mfa_token: 'm', api_key: 'k', secret: 's' } } } } },
      client: { client_id: 'app', client_secret: 'cs', idToken: 'i', PASSWORD: 'P' },
    };
    expect(redact(input)).toEqual({
      password: R,
      body: { email: 'a@example.com', new_password: R, currentPassword: R },
      result: { access_token: R, refresh_token: R, token_type: 'Bearer', expires_in: 900 },
      deep: { a: { b: { c: { d: { refreshToken: R, mfa_token: R, api_key: R, secret: R } } } } },
      client: { client_id: 'app', client_secret: R, idToken: R, PASSWORD: R },
    });
  });

  it("censors `code` and `key` inside a body, query or params, and keeps an error's code", () => {
    const input = {
      req: { query: { code: 'oauth-code', state: 'st' }, params: { key: 'k' } },
      res: { body: { id: 'key-id', key: 'pk_live_abc' } },
      err: { code: 'invalid_token', key: 'cache-key' },
    };
    expect(redact(input)).toEqual({
      req: { query: { code: R, state: 'st' }, params: { key: R } },
      res: { body: { id: 'key-id', key: R } },
      err: { code: 'invalid_token', key: 'cache-key' },
    });
  });

  it('copies without changing the input', () => {
    const input = { headers: { authorization: 'Bearer x' }, list: [{ password: 'p' }] };
    const frozen = structuredClone(input);
    const output = redact(input);
    expect(input).toEqual(frozen);
    expect(output).not.toBe(input);
    expect(output.list).not.toBe(input.list);
    expect(output.list[0]).toEqual({ password: R });
  });

  it('walks arrays, sets and maps', () => {
    const input = {
      users: [{ email: 'a', password: 'p' }, [{ token: 't' }]],
      seen: new Set([{ secret: 's' }]),
      byId: new Map([[1, { apiKey: 'k', name: 'n' }]]),
    };
    expect(redact(input)).toEqual({
      users: [{ email: 'a', password: R }, [{ token: R }]],
      seen: [{ secret: R }],
      byId: { '1': { apiKey: R, name: 'n' } },
    });
  });

  it('reads fetch Headers as a plain object', () => {
    const headers = new Headers({ Authorization: 'Bearer x', Accept: 'application/json' });
    expect(redact({ headers })).toEqual({ headers: { authorization: R, accept: 'application/json' } });
  });

  it('marks cycles and cuts off deep nesting', () => {
    const node: Record<string, unknown> = { name: 'root', password: 'p' };
    node['self'] = node;
    node['list'] = [node];
    expect(redact(node)).toEqual({ name: 'root', password: R, self: '[circular]', list: ['[circular]'] });

    // A shared object that is not a cycle is copied at each place.
    const shared = { token: 't', ok: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { token: R, ok: 1 }, b: { token: R, ok: 1 } });

    let deep: unknown = { password: 'p' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    let level = redact(deep) as { next: unknown };
    let depth = 0;
    while (typeof level === 'object') {
      level = level.next as { next: unknown };
      depth++;
    }
    expect([depth, level]).toEqual([10, '[too deep]']);
  });

  it('copies errors with name, message, stack, their own fields and cause', () => {
    const cause = Object.assign(new Error('upstream'), { headers: { authorization: 'Bearer x' } });
    const error = new AuthError('temporarily_unavailable', 'Authentication service temporarily unavailable', {
      reason: 'store_unavailable',
      cause,
    });
    const copied = redact({ err: error }).err as unknown as Record<string, unknown>;
    expect(copied).toMatchObject({
      name: 'AuthError',
      message: 'Authentication service temporarily unavailable',
      code: 'temporarily_unavailable',
      reason: 'store_unavailable',
      cause: { name: 'Error', message: 'upstream', headers: { authorization: R } },
    });
    expect(copied).not.toBeInstanceOf(Error);
  });

  it('writes what toJSON gives for dates and buffers, and keeps primitives', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    expect(redact({ at, n: 1, s: 's', b: true, u: undefined, z: null })).toEqual({
      at: '2026-01-02T03:04:05.000Z',
      n: 1,
      s: 's',
      b: true,
      u: undefined,
      z: null,
    });
    expect(redact('Bearer x')).toBe('Bearer x');
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBe(null);
  });

  it('never throws, and never lets `__proto__` become the prototype of the copy', () => {
    const hostile = {
      get boom(): string {
        throw new Error('getter');
      },
    };
    expect(redact({ ok: 1, hostile })).toEqual({ ok: 1, hostile: '[unreadable]' });
    const parsed = JSON.parse('{"__proto__": {"password": "p", "isAdmin": true}}');
    const copied = redact(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copied, '__proto__')?.value).toEqual({
      password: R,
      isAdmin: true,
    });
  });
});
