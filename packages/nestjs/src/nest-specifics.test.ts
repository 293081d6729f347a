import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  Module,
  type NestApplicationOptions,
  Post,
  Req,
} from '@nestjs/common';
import {
  ACR_MFA,
  ACR_SINGLE_FACTOR,
  type Auth,
  type AuthContext,
  anyOf,
  createAuth,
  createMemoryMailer,
  createMemoryStores,
  createMemoryUserDirectory,
  requireRoles,
  requireScopes,
} from '@portcullis/core';
import type { Inject } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Acr, CurrentPrincipal, FreshAuth, Public, Requires, Roles } from './decorators.js';
import { PortcullisModule } from './portcullis-module.js';
import { demoModule, type Platform, startApp } from './testing/app.js';

const ORIGIN = 'http://127.0.0.1:3000';
const PASSWORD = 'correct horse battery staple';

@Controller('extra')
class ExtraController {
  @Public()
  @Get('public')
  open(@Req() request: { auth?: AuthContext }) {
    return { authenticated: request.auth !== undefined };
  }

  @Public()
  @Get('public-principal')
  misuse(@CurrentPrincipal() principal: AuthContext) {
    return principal;
  }

  @Public()
  @Post('validate')
  validate() {
    throw new BadRequestException(['email must be an email', 'password is too short']);
  }

  @Public()
  @Get('conflict')
  conflict() {
    throw new ConflictException('Already there');
  }

  @Get('either')
  @Requires(anyOf(requireRoles('admin'), requireScopes('reports:read')))
  either(@CurrentPrincipal() principal: AuthContext) {
    return { method: principal.method };
  }
}

@Public()
@Controller('open')
class OpenController {
  @Get('anyone')
  anyone() {
    return { ok: true };
  }

  @Get('admins')
  @Roles('admin')
  admins() {
    return { ok: true };
  }

  @Get('recent')
  @FreshAuth({ maxAge: 600 })
  recent() {
    return { ok: true };
  }
}

/** Step-up on a controller, combined with each handler's own requirements. */
@FreshAuth({ maxAge: 600 })
@Controller('sensitive')
class SensitiveController {
  @Get('admins')
  @Roles('admin')
  admins() {
    return { ok: true };
  }

  @Get('mfa')
  @Roles('user')
  @Acr(ACR_MFA)
  mfa() {
    return { ok: true };
  }

  @Get('relaxed')
  @FreshAuth({ maxAge: '1d' })
  relaxed() {
    return { ok: true };
  }
}

@Module({ controllers: [ExtraController, OpenController, SensitiveController] })
class ExtraModule {}

async function makeAuth(): Promise<Auth> {
  return createAuth({
    stores: createMemoryStores(),
    users: createMemoryUserDirectory(),
    issuer: ORIGIN,
    audience: 'portcullis-demo',
    appOrigin: ORIGIN,
    apiKeys: { pepper: 'nest-specifics-pepper-4Wq8zR2mK7vN3xT6bY9c' },
    passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 } },
    registration: 'open',
    mail: { mailer: createMemoryMailer() },
  });
}

function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

/** Sends a body in chunks without Content-Length (Transfer-Encoding: chunked), over a real socket. */
async function postChunked(port: number, path: string, chunks: string[]) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe.each<Platform>(['express', 'fastify'])('PortcullisModule on %s', (platform) => {
  let auth: Auth;
  let inject: Inject;
  let close: () => Promise<void>;
  let token: string;
  const post = (url: string, body: string, type = 'application/json') =>
    inject({ method: 'POST', url, headers: { 'content-type': type }, body });

  beforeAll(async () => {
    auth = await makeAuth();
    ({ inject, close } = await startApp(
      platform,
      [PortcullisModule.forRoot({ auth }), demoModule(async () => 0), ExtraModule],
      { logger: false },
    ));
    const credentials = JSON.stringify({ email: 'pat@example.com', password: PASSWORD });
    await post('/auth/register', credentials);
    token = json((await post('/auth/login', credentials)).body)['access_token'] as string;
  });
  afterAll(() => close());

  it('lets a @Public() route through without credentials, with the security headers', async () => {
    const response = await inject({ method: 'GET', url: '/extra/public' });
    expect(response.status).toBe(200);
    expect(json(response.body)).toEqual({ authenticated: false });
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('authenticates a handler of a @Public() controller that declares @Roles() (fails closed)', async () => {
    expect((await inject({ method: 'GET', url: '/open/anyone' })).status).toBe(200);
    const response = await inject({ method: 'GET', url: '/open/admins' });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
  });

  it('answers 500 server_error when @CurrentPrincipal() is used on a @Public() route', async () => {
    const response = await inject({ method: 'GET', url: '/extra/public-principal' });
    expect(response.status).toBe(500);
    expect(json(response.body)).toEqual({
      error: 'server_error',
      error_description: 'Internal server error',
    });
  });

  it('renders the app’s BadRequestException in the contract shape, keeping its messages', async () => {
    const response = await post('/extra/validate', '{}');
    expect(response.status).toBe(400);
    expect(json(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'email must be an email; password is too short',
    });
  });

  it('leaves the app’s other HttpExceptions in Nest’s shape, with the security headers', async () => {
    const response = await inject({ method: 'GET', url: '/extra/conflict' });
    expect(response.status).toBe(409);
    expect(json(response.body)).toEqual({ statusCode: 409, message: 'Already there', error: 'Conflict' });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('enforces @Requires() with any core requirement', async () => {
    const response = await inject({
      method: 'GET',
      url: '/extra/either',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(403);
    expect(json(response.body)['error']).toBe('insufficient_scope');
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('authenticates a handler of a @Public() controller that declares @FreshAuth() (fails closed)', async () => {
    const response = await inject({ method: 'GET', url: '/open/recent' });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
  });

  it("enforces a controller's @FreshAuth() with each handler's @Roles()/@Acr(), a handler's @FreshAuth() replacing it", async () => {
    const me = await inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    const subject = json(me.body)['id'] as string;
    const now = Math.floor(Date.now() / 1000);
    const tokenOf = async (roles: string[], acr: string, ageSeconds: number) =>
      (
        await auth.accessTokens.issue({
          subject,
          roles,
          authentication: {
            amr: acr === ACR_MFA ? ['pwd', 'otp'] : ['pwd'],
            acr,
            authTime: now - ageSeconds,
          },
        })
      ).token;
    const get = async (url: string, bearer: string) =>
      inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });
    const challenge = (param: string) =>
      'Bearer realm="portcullis", error="insufficient_user_authentication", ' +
      `error_description="A more recent or stronger authentication is required", ${param}`;

    // A missing role is a 403 whatever the age: authenticating again would not help.
    expect((await get('/sensitive/admins', token)).status).toBe(403);
    expect((await get('/sensitive/admins', await tokenOf(['user'], ACR_SINGLE_FACTOR, 601))).status).toBe(
      403,
    );
    const stale = await get('/sensitive/admins', await tokenOf(['admin'], ACR_SINGLE_FACTOR, 601));
    expect(stale.status).toBe(401);
    expect(json(stale.body)).toEqual({
      error: 'insufficient_user_authentication',
      error_description: 'A more recent or stronger authentication is required',
    });
    expect(stale.headers['www-authenticate']).toBe(challenge('max_age="600"'));
    expect((await get('/sensitive/admins', await tokenOf(['admin'], ACR_SINGLE_FACTOR, 0))).status).toBe(200);

    const singleFactor = await get('/sensitive/mfa', token);
    expect(singleFactor.status).toBe(401);
    expect(singleFactor.headers['www-authenticate']).toBe(challenge(`acr_values="${ACR_MFA}"`));
    const staleMfa = await get('/sensitive/mfa', await tokenOf(['user'], ACR_MFA, 601));
    expect(staleMfa.headers['www-authenticate']).toBe(challenge('max_age="600"'));
    expect((await get('/sensitive/mfa', await tokenOf(['user'], ACR_MFA, 0))).status).toBe(200);

    expect((await get('/sensitive/relaxed', await tokenOf(['user'], ACR_SINGLE_FACTOR, 3600))).status).toBe(
      200,
    );
  });

  it('refuses a form body on an auth route as core refuses non-JSON (no login by cross-site form)', async () => {
    const response = await post(
      '/auth/login',
      `email=pat%40example.com&password=x`,
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(400);
    expect(json(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'Request body must be JSON',
    });
  });

  it('hands core the raw text of a body no JSON parser took, which core refuses unless declared JSON (login CSRF)', async () => {
    const credentials = JSON.stringify({ email: 'pat@example.com', password: PASSWORD });
    const plain = await post('/auth/login', credentials, 'text/plain');
    expect(plain.status).toBe(400);
    expect(json(plain.body)['error']).toBe('invalid_request');
    expect(plain.headers['set-cookie']).toBeUndefined();
    const malformed = await post('/auth/login', '{"email":', 'text/plain');
    expect(json(malformed.body)).toEqual({
      error: 'invalid_request',
      error_description: 'Request body must be JSON',
    });
  });

  it('answers 413 beyond the platform’s own body limit too', async () => {
    const response = await post('/auth/register', JSON.stringify({ pad: 'x'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
    expect(json(response.body)['error']).toBe('payload_too_large');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('answers a non-JSON Content-Type with 400 invalid_request', async () => {
    const response = await post('/auth/login', '<login/>', 'application/xml');
    expect(response.status).toBe(400);
    expect(json(response.body)['error']).toBe('invalid_request');
  });

  it('keeps the 16 KiB limit for a chunked JSON body, which has no Content-Length', async () => {
    const { app, close: stop } = await startApp(platform, [
      PortcullisModule.forRoot({ auth: await makeAuth() }),
    ]);
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const pad = 'x'.repeat(9_000);
      const response = await postChunked(port, '/auth/register', [`{"pad":"${pad}",`, `"more":"${pad}"}`]);
      expect(response.status).toBe(413);
      expect(json(response.body)['error']).toBe('payload_too_large');
    } finally {
      await stop();
    }
  });
});

describe.each<Platform>(['express', 'fastify'])('PortcullisModule on %s with rawBody: true', (platform) => {
  let inject: Inject;
  let close: () => Promise<void>;
  const options: NestApplicationOptions = { rawBody: true };

  beforeAll(async () => {
    ({ inject, close } = await startApp(
      platform,
      [PortcullisModule.forRoot({ auth: await makeAuth() })],
      options,
    ));
  });
  afterAll(() => close());

  it('lets core parse and limit the raw bytes, as on every framework', async () => {
    const padded = `{"email":"a@example.com",${' '.repeat(17_000)}"password":"${PASSWORD}"}`;
    const tooLarge = await inject({
      method: 'POST',
      url: '/auth/register',
      headers: { 'content-type': 'application/json' },
      body: padded,
    });
    expect(tooLarge.status).toBe(413);
    expect(json(tooLarge.body)).toEqual({
      error: 'payload_too_large',
      error_description: 'Request body is larger than 16384 bytes',
    });
    const registered = await inject({
      method: 'POST',
      url: '/auth/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'b@example.com', password: PASSWORD }),
    });
    expect(registered.status).toBe(201);
  });
});

describe('PortcullisModule options', () => {
  it('refuses an options object without an Auth at start-up', async () => {
    await expect(startApp('express', [PortcullisModule.forRoot({ auth: {} as Auth })])).rejects.toThrow(
      TypeError,
    );
  });

  it('refuses @Credentials() without a known source when the class is decorated', async () => {
    const { Credentials } = await import('./decorators.js');
    expect(() => Credentials()).not.toThrow();
    expect(() => Credentials()(class {})).toThrow(TypeError);
  });
});
