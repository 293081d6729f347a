// The server's own OAuth endpoints (docs/contract-notes.md, "Beyond v2: OAuth clients, introspection and
// revocation") over HTTP against every demo app running as a real process, configured by OAUTH_CLIENTS:
// the client-credentials grant, introspection (RFC 7662) and revocation (RFC 7009). Each demo starts once
// (start-up is most of this file's time), the next one while the previous framework's tests run.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Reply, type Request, secret } from './client.js';
import { type DemoProcess, FRAMEWORKS, type Framework, startDemo } from './demo-process.js';
import { email, freshPassword, REFRESH } from './fixtures.js';
import { expectError } from './reply-expectations.js';

const TIMEOUT = 30_000;
const PASSWORD = freshPassword('oauth');
const clientSecret = () => secret(randomBytes(32).toString('base64url'));
const REPORTS = { id: 'reports', secret: clientSecret() };
const RESOURCE_SERVER = { id: 'resource-server', secret: clientSecret() };
const SESSION_ADMIN = { id: 'session-admin', secret: clientSecret() };
const DEMO_ENV = {
  OAUTH_CLIENTS: [
    `${REPORTS.id}:${REPORTS.secret}:reports:read reports:write`,
    `${RESOURCE_SERVER.id}:${RESOURCE_SERVER.secret}:|introspection`,
    `${SESSION_ADMIN.id}:${SESSION_ADMIN.secret}:|revocation introspection`,
  ].join(','),
};

const basic = (client: { id: string; secret: string }) => ({
  authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An access token as the demo would make it, but signed by a key of someone else's. */
function foreignToken(issuer: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: 'foreign' })}.${b64({
    iss: issuer,
    aud: 'portcullis-demo',
    sub: 'someone',
    client_id: REPORTS.id,
    scope: 'reports:read',
    iat: now,
    exp: now + 600,
    jti: randomBytes(16).toString('base64url'),
  })}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

const demos = new Map<Framework, Promise<DemoProcess>>();
function demoOf(framework: Framework): Promise<DemoProcess> {
  let demo = demos.get(framework);
  if (demo === undefined) {
    demo = startDemo(framework, DEMO_ENV, 120_000);
    demo.catch(() => {}); // reported by the describe that awaits it
    demos.set(framework, demo);
  }
  return demo;
}
afterAll(async () => {
  await Promise.all([...demos.values()].map((demo) => demo.then((d) => d.stop()).catch(() => {})));
}, 30_000);

describe.each(FRAMEWORKS)('%s demo: OAuth clients, introspection, revocation', (framework) => {
  let app: DemoProcess;
  let http: Request;
  const form = (
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = basic(REPORTS),
  ): Promise<Reply> =>
    http('POST', path, {
      raw: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  const introspect = async (token: string) => {
    const reply = await form('/oauth/introspect', { token }, basic(RESOURCE_SERVER));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    return reply.json;
  };
  const clientToken = async () => {
    const reply = await form('/oauth/token', { grant_type: 'client_credentials', scope: 'reports:read' });
    expect(reply.status, reply.text).toBe(200);
    return reply.json['access_token'] as string;
  };
  async function signIn() {
    const address = email(`oauth-${framework}`);
    const registered = await http('POST', '/auth/register', { body: { email: address, password: PASSWORD } });
    expect(registered.status, registered.text).toBe(201);
    const login = await http('POST', '/auth/login', { body: { email: address, password: PASSWORD } });
    expect(login.status, login.text).toBe(200);
    return { access: login.json['access_token'] as string, refresh: secret(login.cookie(REFRESH)!) };
  }

  beforeAll(async () => {
    app = await demoOf(framework);
    const next = FRAMEWORKS[FRAMEWORKS.indexOf(framework) + 1];
    if (next !== undefined) demoOf(next);
    http = createClient(app.url);
  }, 150_000);

  afterAll(() => app?.stop(), 30_000);

  it(
    'client credentials: a scoped bearer token for the client, no refresh token, no-store; other grants and scopes refused',
    async () => {
      const reply = await form('/oauth/token', { grant_type: 'client_credentials', scope: 'reports:read' });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(reply.json).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(reply.json).toMatchObject({ token_type: 'Bearer', scope: 'reports:read', expires_in: 900 });
      expect(await introspect(reply.json['access_token'] as string)).toMatchObject({
        active: true,
        sub: REPORTS.id,
        client_id: REPORTS.id,
        scope: 'reports:read',
        iss: app.url,
        aud: 'portcullis-demo',
        token_type: 'Bearer',
      });
      // A client is no user: the demo's user routes refuse its token.
      expect(
        (await http('GET', '/me', { headers: { authorization: `Bearer ${reply.json['access_token']}` } }))
          .status,
      ).toBe(401);
      expectError(
        await form('/oauth/token', { grant_type: 'client_credentials', scope: 'admin' }),
        400,
        'invalid_scope',
      );
      expectError(await form('/oauth/token', { grant_type: 'password' }), 400, 'unsupported_grant_type');
      expectError(
        await form('/oauth/token', { grant_type: 'client_credentials' }, basic(RESOURCE_SERVER)),
        400,
        'unauthorized_client',
      );
    },
    TIMEOUT,
  );

  it(
    'attack: a wrong secret, an unknown client, no credentials → 401 invalid_client with a Basic challenge; a secret in the URL → 400',
    async () => {
      for (const headers of [
        basic({ id: REPORTS.id, secret: SESSION_ADMIN.secret }),
        basic({ id: 'nobody', secret: REPORTS.secret }),
        {} as Record<string, string>,
      ]) {
        const reply = await form('/oauth/token', { grant_type: 'client_credentials' }, headers);
        expectError(reply, 401, 'invalid_client');
        expect(reply.headers.get('www-authenticate')).toBe('Basic realm="portcullis"');
      }
      const inUrl = await http(
        'POST',
        `/oauth/token?client_id=${REPORTS.id}&client_secret=${REPORTS.secret}`,
        {
          raw: 'grant_type=client_credentials',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      );
      expectError(inUrl, 400, 'invalid_request');
      expect(app.output()).not.toContain(REPORTS.secret);
    },
    TIMEOUT,
  );

  it(
    'introspection: {active:false} alone for unknown, malformed, foreign and other-issuer tokens; only for clients allowed to',
    async () => {
      for (const token of [
        'unknown',
        randomBytes(32).toString('base64url'),
        'a.b.c',
        foreignToken(app.url),
        foreignToken('https://other.example'),
      ])
        expect(await introspect(token)).toEqual({ active: false });
      expectError(
        await form('/oauth/introspect', { token: await clientToken() }),
        403,
        'unauthorized_client',
      );
    },
    TIMEOUT,
  );

  it(
    'revocation: a login’s refresh token revoked twice (200, empty, both times) ends its family and the access token issued from it',
    async () => {
      const user = await signIn();
      expect(await introspect(user.refresh)).toMatchObject({ active: true, token_type: 'refresh_token' });
      expect(await introspect(user.access)).toMatchObject({ active: true, token_type: 'Bearer' });
      for (let i = 0; i < 2; i++) {
        const reply = await form(
          '/oauth/revoke',
          { token: user.refresh, token_type_hint: 'refresh_token' },
          basic(SESSION_ADMIN),
        );
        expect(reply.status, reply.text).toBe(200);
        expect(reply.text).toBe('');
      }
      expectError(
        await http('POST', '/auth/refresh', { body: { refresh_token: user.refresh } }),
        401,
        'invalid_grant',
      );
      expect(await introspect(user.refresh)).toEqual({ active: false });
      expect(await introspect(user.access)).toEqual({ active: false });
      expect((await http('GET', '/me', { headers: { authorization: `Bearer ${user.access}` } })).status).toBe(
        401,
      );
    },
    TIMEOUT,
  );

  it(
    'revocation: a client revokes its own access token; unknown tokens are 200; another client’s user token is left alone',
    async () => {
      const token = await clientToken();
      expect((await form('/oauth/revoke', { token })).status).toBe(200);
      expect(await introspect(token)).toEqual({ active: false });
      expect((await form('/oauth/revoke', { token: 'unknown' })).status).toBe(200);
      const user = await signIn();
      // `reports` has no revocation grant: 200, and nothing changes.
      expect((await form('/oauth/revoke', { token: user.access })).status).toBe(200);
      expect((await introspect(user.access))['active']).toBe(true);
      expectError(
        await form('/oauth/revoke', { token }, basic({ id: SESSION_ADMIN.id, secret: REPORTS.secret })),
        401,
        'invalid_client',
      );
    },
    TIMEOUT,
  );
});
