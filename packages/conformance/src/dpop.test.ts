// DPoP (RFC 9449) over HTTP against every demo app running as a real process: a login and a refresh bound
// to the client's key, the DPoP scheme on a protected route (GET /me), and each attack a naive
// implementation lets through. The demos run with DPOP_NONCE=required, so every exchange also goes through
// the server-nonce round trip (`use_dpop_nonce`, `DPoP-Nonce`).
import { createDpopProver, type DpopProofInput, type DpopProver } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Reply, secret } from './client.js';
import { type ContractTarget, contractSteps } from './contract-steps.js';
import { type DemoProcess, FRAMEWORKS, type Framework, startDemo } from './demo-process.js';
import { ACCESS, email, freshPassword, REFRESH } from './fixtures.js';
import { expectError } from './reply-expectations.js';

const PASSWORD = freshPassword('dpop');
const TIMEOUT = 30_000;

const demos = new Map<Framework, Promise<DemoProcess>>();
function demoOf(framework: Framework): Promise<DemoProcess> {
  let demo = demos.get(framework);
  if (demo === undefined) {
    demo = startDemo(framework, { DPOP_NONCE: 'required' }, 120_000);
    demo.catch(() => {}); // reported by the describe that awaits it
    demos.set(framework, demo);
  }
  return demo;
}
afterAll(async () => {
  await Promise.all([...demos.values()].map((demo) => demo.then((d) => d.stop()).catch(() => {})));
}, 30_000);

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** 401 with the DPoP challenge naming `code` (RFC 9449 §7.1). */
function expectDpopChallenge(reply: Reply, code: string) {
  expectError(reply, 401, code);
  expect(reply.headers.get('www-authenticate')).toMatch(
    new RegExp(`^DPoP realm="portcullis", error="${code}"`),
  );
}

describe.each(FRAMEWORKS)('%s demo: DPoP-bound tokens', (framework) => {
  let app: DemoProcess;
  let target: ContractTarget;
  let nonce: string | undefined;

  /** A request with a proof by `client` (built by `prove`), retried once with the server's nonce if asked. */
  async function send(
    client: DpopProver,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; proof?: DpopProofInput; scheme?: string } = {},
  ): Promise<Reply> {
    const attempt = async () => {
      const proof = await client.proof(method, app.url + path, {
        ...(options.token === undefined ? {} : { accessToken: options.token }),
        ...(nonce === undefined ? {} : { nonce }),
        ...options.proof,
      });
      const headers: Record<string, string> = { dpop: proof };
      if (options.token !== undefined)
        headers['authorization'] = `${options.scheme ?? 'DPoP'} ${options.token}`;
      return target.http(method, path, {
        headers,
        ...(options.body === undefined ? {} : { body: options.body }),
      });
    };
    let reply = await attempt();
    if (reply.json['error'] === 'use_dpop_nonce') {
      nonce = reply.headers.get('dpop-nonce') ?? undefined;
      reply = await attempt();
    }
    return reply;
  }

  async function boundLogin() {
    const client = await createDpopProver();
    const address = email(`dpop-${framework}`);
    await contractSteps(target).post('/auth/register', { email: address, password: PASSWORD });
    const login = await send(client, 'POST', '/auth/login', { body: { email: address, password: PASSWORD } });
    expect(login.status, login.text).toBe(200);
    const token = secret(login.json['access_token'] as string);
    const refresh = secret(login.json['refresh_token'] as string);
    return { client, login, token, refresh };
  }

  beforeAll(async () => {
    app = await demoOf(framework);
    const next = FRAMEWORKS[FRAMEWORKS.indexOf(framework) + 1];
    if (next !== undefined) demoOf(next);
    target = {
      app,
      http: createClient(app.url),
      origin: app.url,
      mailFrom: { name: 'portcullis demo', address: 'no-reply@localhost' },
      password: PASSWORD,
      admin: 'admin@example.com',
    };
  }, 130_000);

  it(
    'asks for a nonce, then binds the login: cnf.jkt, token_type DPoP, refresh token in the body, no token cookie',
    async () => {
      nonce = undefined;
      const client = await createDpopProver();
      const address = email(`dpop-${framework}`);
      await contractSteps(target).post('/auth/register', { email: address, password: PASSWORD });
      const first = await target.http('POST', '/auth/login', {
        headers: { dpop: await client.proof('POST', `${app.url}/auth/login`) },
        body: { email: address, password: PASSWORD },
      });
      expectError(first, 400, 'use_dpop_nonce');
      nonce = first.headers.get('dpop-nonce')!;
      expect(nonce).toMatch(/^[!#-[\]-~]+$/); // RFC 9449 §8.1: NQCHAR
      const { login, token, refresh } = await boundLogin();
      expect(login.json['token_type']).toBe('DPoP');
      expect(typeof refresh).toBe('string');
      expect(login.cookie(ACCESS)).toBeUndefined();
      expect(login.cookie(REFRESH)).toBeUndefined();
      expect(claimsOf(token)['cnf']).toEqual({ jkt: expect.any(String) });
    },
    TIMEOUT,
  );

  it(
    'serves GET /me to the DPoP scheme with a fresh proof, and refuses that proof replayed',
    async () => {
      const { client, token } = await boundLogin();
      const proof = await client.proof('GET', `${app.url}/me`, { accessToken: token, nonce });
      const headers = { authorization: `DPoP ${token}`, dpop: proof };
      const me = await target.http('GET', '/me', { headers });
      expect(me.status, me.text).toBe(200);
      expect(me.json['id']).toBe(claimsOf(token)['sub']);
      expectDpopChallenge(await target.http('GET', '/me', { headers }), 'invalid_dpop_proof');
    },
    TIMEOUT,
  );

  it(
    'refuses a proof for another method, another URL, a stale iat, or without ath',
    async () => {
      const { client, token } = await boundLogin();
      const attacks: Array<[string, () => Promise<string>]> = [
        ['method', () => client.proof('POST', `${app.url}/me`, { accessToken: token, nonce })],
        ['url', () => client.proof('GET', `${app.url}/admin/stats`, { accessToken: token, nonce })],
        [
          'stale iat',
          () =>
            client.proof('GET', `${app.url}/me`, {
              accessToken: token,
              nonce,
              claims: { iat: Math.floor(Date.now() / 1000) - 300 },
            }),
        ],
        ['missing ath', () => client.proof('GET', `${app.url}/me`, { nonce })],
      ];
      for (const [attack, proof] of attacks) {
        const reply = await target.http('GET', '/me', {
          headers: { authorization: `DPoP ${token}`, dpop: await proof() },
        });
        expect(reply.status, attack).toBe(401);
        expectDpopChallenge(reply, 'invalid_dpop_proof');
      }
    },
    TIMEOUT,
  );

  it(
    'refuses a stolen token used with the thief’s own key, and as a bearer token (downgrade)',
    async () => {
      const { token } = await boundLogin();
      const thief = await createDpopProver();
      expectDpopChallenge(await send(thief, 'GET', '/me', { token }), 'invalid_dpop_proof');
      const asBearer = await target.http('GET', '/me', { headers: { authorization: `Bearer ${token}` } });
      expectError(asBearer, 401, 'invalid_token');
      expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP /);
      const asCookie = await target.http('GET', '/me', { headers: { cookie: `${ACCESS}=${token}` } });
      expectError(asCookie, 401, 'invalid_token');
    },
    TIMEOUT,
  );

  it(
    'answers a proof without the nonce with use_dpop_nonce and a DPoP-Nonce header',
    async () => {
      const { client, token } = await boundLogin();
      const reply = await target.http('GET', '/me', {
        headers: {
          authorization: `DPoP ${token}`,
          dpop: await client.proof('GET', `${app.url}/me`, { accessToken: token }),
        },
      });
      expectDpopChallenge(reply, 'use_dpop_nonce');
      expect(reply.headers.get('dpop-nonce')).toMatch(/^[!#-[\]-~]+$/);
    },
    TIMEOUT,
  );

  it(
    'refreshes the bound family only with a proof of its key; the refused tries spend nothing',
    async () => {
      const { client, refresh } = await boundLogin();
      const without = await target.http('POST', '/auth/refresh', { body: { refresh_token: refresh } });
      expectError(without, 400, 'invalid_dpop_proof');
      const thief = await createDpopProver();
      expectError(
        await send(thief, 'POST', '/auth/refresh', { body: { refresh_token: refresh } }),
        400,
        'invalid_dpop_proof',
      );
      const rotated = await send(client, 'POST', '/auth/refresh', { body: { refresh_token: refresh } });
      expect(rotated.status, rotated.text).toBe(200);
      expect(rotated.json['token_type']).toBe('DPoP');
      const token = secret(rotated.json['access_token'] as string);
      expect(claimsOf(token)['cnf']).toEqual({ jkt: client.jkt });
      expect((await send(client, 'GET', '/me', { token })).status).toBe(200);
    },
    TIMEOUT,
  );
});
