import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Auth,
  createAuth,
  createMemoryMailer,
  createMemoryStores,
  createMemoryUserDirectory,
} from '@portcullis/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { portcullis, portcullisRoutes } from './index.js';

const ORIGIN = 'http://127.0.0.1:3000';
const PASSWORD = 'correct horse battery staple';
let auth: Auth;
let app: FastifyInstance;

beforeAll(async () => {
  auth = await createAuth({
    stores: createMemoryStores(),
    users: createMemoryUserDirectory(),
    issuer: ORIGIN,
    audience: 'portcullis-demo',
    appOrigin: ORIGIN,
    apiKeys: { pepper: 'fastify-adapter-pepper-3Hq8ZmW2xT6vK9pL4nR7' },
    passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 } },
    registration: 'open',
    mail: { mailer: createMemoryMailer() },
  });
});
afterEach(async () => {
  await app?.close();
});

async function createApp() {
  app = Fastify();
  await app.register(portcullis, { auth });
  await app.register(portcullisRoutes);
  app.get('/me', { onRequest: app.portcullis.authenticate() }, async (request) => ({
    subject: request.auth!.subject,
  }));
  app.get('/public', async (request) => ({ auth: request.auth }));
  app.get('/broken', async () => {
    throw new Error('database password is hunter2');
  });
  // An app's own client error, as @fastify/sensible's httpErrors.conflict() or @fastify/error builds it.
  app.get('/taken', async () => {
    throw Object.assign(new Error('That name is taken'), { statusCode: 409, code: 'APP_NAME_TAKEN' });
  });
  // A status outside 4xx on an error is not trusted: a bug that happens to carry one is still a 500.
  app.get('/broken-with-status', async () => {
    throw Object.assign(new Error('upstream secret sk_live_123'), { statusCode: 502 });
  });
  app.post(
    '/typed',
    { schema: { body: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } } },
    async () => ({ ok: true }),
  );
  return app;
}

async function tokenFor(email: string): Promise<string> {
  const body = JSON.stringify({ email, password: PASSWORD });
  const headers = { 'content-type': 'application/json' };
  await app.inject({ method: 'POST', url: '/auth/register', headers, payload: body });
  const login = await app.inject({ method: 'POST', url: '/auth/login', headers, payload: body });
  return login.json().access_token;
}

describe('@portcullis/fastify', () => {
  it('refuses two Authorization headers sent as two header lines over real HTTP', async () => {
    await createApp();
    const token = await tokenFor('two-lines@example.com');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    // Node's own parser keeps only the first Authorization in req.headers (a valid token here), so only
    // an adapter that reads rawHeaders can refuse this request.
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          path: '/me',
          // Raw header list: two separate `Authorization:` lines on the wire.
          headers: [
            'host',
            `127.0.0.1:${port}`,
            'authorization',
            `Bearer ${token}`,
            'authorization',
            `Bearer ${token}`,
          ],
        },
        (res) => {
          let body = '';
          res
            .on('data', (chunk) => (body += chunk))
            .on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject).end();
    });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'Malformed authorization header',
    });
  });

  it('leaves request.auth null on routes without the hook', async () => {
    await createApp();
    expect((await app.inject({ method: 'GET', url: '/public' })).json()).toEqual({ auth: null });
  });

  it('answers a bug with a generic 500, with the security headers', async () => {
    await createApp();
    const response = await app.inject({ method: 'GET', url: '/broken' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.json()).toEqual({ error: 'server_error', error_description: 'Internal server error' });
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it("answers an app's own 4xx error with its status and Fastify's own body, not a 500", async () => {
    await createApp();
    const response = await app.inject({ method: 'GET', url: '/taken' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      statusCode: 409,
      code: 'APP_NAME_TAKEN',
      error: 'Conflict',
      message: 'That name is taken',
    });
    expect(response.headers['x-frame-options']).toBe('DENY');
    const bug = await app.inject({ method: 'GET', url: '/broken-with-status' });
    expect(bug.statusCode).toBe(500);
    expect(bug.body).not.toContain('sk_live_123');
  });

  it("answers Fastify's own parse and validation errors in the contract's shape", async () => {
    await createApp();
    const post = (payload: string, contentType = 'application/json') =>
      app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': contentType }, payload });
    for (const response of [await post('{"n":'), await post('{"n":"x"}'), await post('n=1', 'text/x-nope')]) {
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await post('{"n":"x"}')).json().error_description).toBe('body/n must be integer');
  });

  it('passes auth-route bodies to core as raw text, whatever the content type', async () => {
    await createApp();
    const response = await app.inject({
      method: 'POST',
      url: '/auth/register',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=a@example.com',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Request body must be JSON',
    });
  });

  it('caps auth-route bodies at 16 KiB in the words core uses', async () => {
    await createApp();
    const response = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'x@example.com', password: 'x'.repeat(16 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: 'payload_too_large',
      error_description: 'Request body is larger than 16384 bytes',
    });
  });

  it('lets an app keep its own error and not-found handlers and delegate to the plugin', async () => {
    app = Fastify();
    await app.register(portcullis, { auth, errorHandler: false, notFoundHandler: false });
    app.setNotFoundHandler((_request, reply) => reply.code(404).send('nothing here'));
    app.setErrorHandler((error, request, reply) => app.portcullis.errorHandler(error, request, reply));
    app.get('/me', { onRequest: app.portcullis.authenticate() }, async () => ({}));
    const notFound = await app.inject({ method: 'GET', url: '/nope' });
    expect(notFound.body).toBe('nothing here');
    expect(notFound.headers['referrer-policy']).toBe('no-referrer');
    const me = await app.inject({ method: 'GET', url: '/me' });
    expect(me.statusCode).toBe(401);
    expect(me.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
  });

  it("answers Fastify's framework errors (bad URL) through the plugin when frameworkErrors delegates", async () => {
    app = Fastify({
      frameworkErrors: (error, request, reply) => app.portcullis.errorHandler(error, request, reply),
    });
    await app.register(portcullis, { auth });
    await app.register(portcullisRoutes);
    const response = await app.inject({ method: 'DELETE', url: '/api-keys/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_request', error_description: 'Malformed URL' });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('refuses misused options at start-up', async () => {
    await createApp();
    expect(() => app.portcullis.authenticate({ via: [] })).toThrow(TypeError);
    expect(() => app.portcullis.authenticate({ via: ['password' as 'bearer'] })).toThrow(TypeError);
    expect(() => app.portcullis.requireRoles()).toThrow(TypeError);
    expect(() => app.portcullis.authorize({ kind: 'nope' } as never)).toThrow(TypeError);

    const noAuth = Fastify();
    await expect(noAuth.register(portcullis, {} as { auth: Auth }).ready()).rejects.toThrow(TypeError);
    const badFlag = Fastify();
    await expect(
      badFlag.register(portcullis, { auth, errorHandler: 'yes' as unknown as boolean }).ready(),
    ).rejects.toThrow(TypeError);
    const routesAlone = Fastify();
    await expect(routesAlone.register(portcullisRoutes).ready()).rejects.toThrow(/@portcullis\/fastify/);
  });

  it('fails closed when authorize() runs without authenticate()', async () => {
    app = Fastify();
    await app.register(portcullis, { auth });
    app.get('/admin', { preHandler: app.portcullis.requireRoles('admin') }, async () => ({ secret: 1 }));
    const response = await app.inject({ method: 'GET', url: '/admin' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
  });
});
