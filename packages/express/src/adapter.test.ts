import {
  type Auth,
  createAuth,
  createMemoryMailer,
  createMemoryStores,
  createMemoryUserDirectory,
  type Requirement,
} from '@portcullis/core';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { notFound, portcullis, securityHeaders } from './index.js';
import { inject } from './testing/app.js';

const ORIGIN = 'http://127.0.0.1:3000';
const PASSWORD = 'correct horse battery staple';
let auth: Auth;

beforeAll(async () => {
  auth = await createAuth({
    stores: createMemoryStores(),
    users: createMemoryUserDirectory(),
    issuer: ORIGIN,
    audience: 'portcullis-demo',
    appOrigin: ORIGIN,
    apiKeys: { pepper: 'express-adapter-test-pepper-5Hq8Lw2Zr7Tn4Xc9' },
    passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 } },
    registration: 'open',
    mail: { mailer: createMemoryMailer() },
  });
});

const json = { 'content-type': 'application/json' };
const body = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe('start-up checks', () => {
  it('throws a TypeError for misused options, before any request', () => {
    expect(() => portcullis({} as Auth)).toThrow(TypeError);
    const pc = portcullis(auth);
    expect(() => pc.authenticate({ via: [] })).toThrow(TypeError);
    expect(() => pc.authenticate({ via: ['password' as 'bearer'] })).toThrow(
      /^portcullis: authenticate\(\)\.via: has an unknown credential source "password"; list one or more of/,
    );
    expect(() => pc.requireRoles()).toThrow(TypeError);
    expect(() => pc.requireScopes('')).toThrow(TypeError);
    expect(() => pc.authorize({ kind: 'nope' } as unknown as Requirement)).toThrow(TypeError);
  });
});

describe('behind body parsers mounted before the router', () => {
  function app(parsers: express.RequestHandler[]) {
    const pc = portcullis(auth);
    const app = express();
    app.use(securityHeaders(), ...parsers, pc.router);
    app.use(notFound, pc.errorHandler);
    return app;
  }

  it('passes a body parsed by express.json() as is', async () => {
    const a = app([express.json()]);
    const send = (path: string) =>
      inject(a, {
        method: 'POST',
        url: path,
        headers: json,
        body: JSON.stringify({ email: 'p@x.io', password: PASSWORD }),
      });
    expect((await send('/auth/register')).status).toBe(201);
    const login = await send('/auth/login');
    expect(login.status).toBe(200);
    expect(body(login)['token_type']).toBe('Bearer');
  });

  it('still refuses JSON over 16 KiB that express.json() (100 kB by default) accepted', async () => {
    const response = await inject(app([express.json()]), {
      method: 'POST',
      url: '/auth/register',
      headers: json,
      body: JSON.stringify({ email: 'big@x.io', password: PASSWORD, pad: 'x'.repeat(17_000) }),
    });
    expect(response.status).toBe(413);
    expect(body(response)['error']).toBe('payload_too_large');
  });

  it("answers body-parser's own errors in the contract's shape, without echoing the body", async () => {
    const malformed = await inject(app([express.json()]), {
      method: 'POST',
      url: '/auth/login',
      headers: json,
      body: '{"password":"hunter2-secret',
    });
    expect(malformed.status).toBe(400);
    expect(body(malformed)).toEqual({
      error: 'invalid_request',
      error_description: 'Request body must be JSON',
    });
    expect(malformed.headers['x-content-type-options']).toBe('nosniff');
    expect(malformed.body).not.toContain('hunter2');

    const tooLarge = await inject(app([express.json({ limit: '1kb' })]), {
      method: 'POST',
      url: '/auth/login',
      headers: json,
      body: JSON.stringify({ pad: 'x'.repeat(2048) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(body(tooLarge)['error']).toBe('payload_too_large');
  });

  it('refuses a form-encoded login that express.urlencoded() parsed: non-JSON is 400', async () => {
    const response = await inject(app([express.urlencoded({ extended: false })]), {
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=p%40x.io&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(response.status).toBe(400);
    expect(body(response)['error']).toBe('invalid_request');
  });
});

describe('in an app that added nothing else', () => {
  it('answers auth routes and errors with the security headers and no X-Powered-By', async () => {
    const pc = portcullis(auth);
    const app = express(); // x-powered-by left enabled, securityHeaders() not mounted
    app.use(pc.router, notFound, pc.errorHandler);
    for (const url of ['/healthz', '/no/such/route']) {
      const response = await inject(app, { method: 'GET', url });
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('keeps the query string and mount path when the router is mounted under a prefix', async () => {
    const pc = portcullis(auth);
    const app = express();
    app.use('/v1', pc.router);
    app.use(notFound, pc.errorHandler);
    expect((await inject(app, { method: 'GET', url: '/v1/healthz' })).status).toBe(200);
    const refused = await inject(app, { method: 'POST', url: '/v1/auth/logout?access_token=x' });
    expect(refused.status).toBe(400);
  });

  it('answers a role check wired without authenticate() with a 500 that reveals nothing', async () => {
    const pc = portcullis(auth);
    const app = express();
    app.get('/admin', pc.requireRoles('admin'), (_req, res) => res.json({ ok: true }));
    app.use(pc.errorHandler);
    const response = await inject(app, { method: 'GET', url: '/admin' });
    expect(response.status).toBe(500);
    expect(body(response)['error']).toBe('server_error');
  });

  it("answers an app's own 4xx error with its status, and its message only when the error exposes it", async () => {
    const pc = portcullis(auth);
    const app = express();
    // As http-errors' createError(409, '…') builds it: `expose` is true for every 4xx it makes.
    app.get('/taken', (_req, _res, next) =>
      next(Object.assign(new Error('That name is taken'), { status: 409, expose: true })),
    );
    app.get('/quiet', (_req, _res, next) =>
      next(Object.assign(new Error('row 7 of table users is locked'), { status: 423 })),
    );
    app.use(pc.errorHandler);
    const taken = await inject(app, { method: 'GET', url: '/taken' });
    expect(taken.status).toBe(409);
    expect(body(taken)).toEqual({ error: 'invalid_request', error_description: 'That name is taken' });
    expect(taken.headers['x-content-type-options']).toBe('nosniff');
    const quiet = await inject(app, { method: 'GET', url: '/quiet' });
    expect(quiet.status).toBe(423);
    expect(body(quiet)).toEqual({ error: 'invalid_request', error_description: 'Invalid request' });
  });

  it('sees both Authorization headers in rawHeaders, where req.headers keeps one', async () => {
    const app = express();
    app.get('/echo', (req, res) => {
      const raw = req.rawHeaders.filter(
        (_value, i) => i % 2 === 0 && req.rawHeaders[i]!.toLowerCase() === 'authorization',
      );
      res.json({ raw: raw.length, parsed: req.headers.authorization });
    });
    const response = await inject(app, {
      method: 'GET',
      url: '/echo',
      headers: { authorization: ['Bearer a', 'Bearer b'] },
    });
    expect(body(response)).toEqual({ raw: 2, parsed: 'Bearer a' });
  });
});
