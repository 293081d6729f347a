// The contract's OAuth / OpenID Connect sign-in, over HTTP, against every demo as a real process, with a real
// OpenID provider (panva's oidc-provider) on a loopback port: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET.
import { freePort } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The provider harness core's own OAuth tests use (a test helper, not part of any published package).
import {
  ACCOUNTS,
  CLIENT_ID,
  CLIENT_SECRET,
  startTestProvider,
  type TestProvider,
} from '../../core/src/testing/openid-provider.js';
import { createClient, type Request, secret } from './client.js';
import { contractSteps } from './contract-steps.js';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';
import { ACCESS, freshPassword, REFRESH, SID } from './fixtures.js';
import { expectError } from './reply-expectations.js';

// The one admin with a password: it counts users through /admin/stats, the only way the contract offers.
const COUNTER = 'counter@example.com';
const PASSWORD = freshPassword('oauth');

describe.each(FRAMEWORKS)('OAuth sign-in on the %s demo', (framework) => {
  let provider: TestProvider;
  let app: DemoProcess;
  let http: Request;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startTestProvider({ redirectUris: [`${base}/auth/oauth/oidc/callback`] });
    secret(CLIENT_SECRET);
    app = await startDemo(framework, {
      PORT: String(port),
      ADMIN_EMAILS: `admin@example.com,${COUNTER}`,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
    });
    http = createClient(app.url);
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  /** start → the provider's login (driven by its test interaction) → the URL it sends the browser back to. */
  async function authorize(loginAs: string) {
    provider.loginAs = loginAs;
    const start = await http('GET', '/auth/oauth/oidc/start');
    expect(start.status).toBe(302);
    const stateCookies = start.setCookies.map((c) => c.split(';')[0]!).join('; ');
    const jar = new Map<string, string>();
    let url = start.headers.get('location')!;
    for (let hop = 0; hop < 10 && !url.startsWith(`${base}/`); hop++) {
      const response = await fetch(url, {
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      await response.body?.cancel();
      url = new URL(response.headers.get('location')!, url).href;
    }
    return { start, callback: url.slice(base.length), stateCookies };
  }

  const steps = () =>
    contractSteps({
      app,
      http,
      origin: base,
      mailFrom: { name: 'portcullis demo', address: 'no-reply@localhost' },
      password: PASSWORD,
      admin: COUNTER,
    });

  async function usersCount(): Promise<number> {
    const admin = await steps().adminSignIn();
    const stats = await http('GET', '/admin/stats', { headers: admin.bearer });
    expect(stats.status, stats.text).toBe(200);
    expect(stats.json['users']).toEqual(expect.any(Number));
    return stats.json['users'] as number;
  }

  /** The whole round trip as the provider account `loginAs`: the callback's answer. */
  async function signInAs(loginAs: string) {
    const { callback, stateCookies } = await authorize(loginAs);
    return http('GET', callback, { headers: { cookie: stateCookies } });
  }

  /** `/me` for the access cookie a callback set. */
  async function meAfter(callback: { cookie(name: string): string | undefined }) {
    const access = callback.cookie(ACCESS);
    expect(access).toBeDefined();
    return (await http('GET', '/me', { headers: { cookie: `${ACCESS}=${access}` } })).json;
  }

  /** A provider account for this framework's demo only (every demo shares the provider's module). */
  function providerAccount(name: string, claims: Record<string, unknown>): string {
    const id = `${name}-${framework}`;
    ACCOUNTS[id] = claims;
    return id;
  }

  it('GET /auth/oauth/oidc/start → 302 to the provider with code, state, nonce, S256 and openid email', async () => {
    const start = await http('GET', '/auth/oauth/oidc/start');
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.origin).toBe(provider.issuer);
    const params = location.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(CLIENT_ID);
    expect(params.get('redirect_uri')).toBe(`${base}/auth/oauth/oidc/callback`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('state')).toMatch(/.{16,}/);
    expect(params.get('nonce')).toMatch(/.{16,}/);
    expect(params.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    const stateCookie = start.setCookies.find((c) => c.startsWith('__Host-'))!;
    expect(stateCookie).toMatch(/HttpOnly/);
    expect(stateCookie).toMatch(/Secure/);
    expect(stateCookie).toMatch(/SameSite=Lax/);
  });

  it('callback → 302 to / with both token cookies; the user is created by verified e-mail; a replay is refused', async () => {
    const { callback, stateCookies } = await authorize('alice');
    const signedIn = await http('GET', callback, { headers: { cookie: stateCookies } });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('location')).toBe('/');
    const access = signedIn.cookie(ACCESS);
    expect(access).toBeDefined();
    expect(signedIn.cookie(REFRESH)).toBeDefined();
    const me = await http('GET', '/me', { headers: { cookie: `${ACCESS}=${access}` } });
    expect(me.json).toEqual({
      id: expect.any(String),
      email: 'alice@example.com',
      role: 'user',
      email_verified: true,
    });

    const replay = await http('GET', callback, { headers: { cookie: stateCookies } });
    expect(replay.status).toBe(400);
    expect(replay.json['error']).toBe('invalid_request');
    expect(replay.cookie(ACCESS)).toBeUndefined();
    expect(replay.cookie(REFRESH)).toBeUndefined();
  });

  it('ADMIN_EMAILS applies to accounts created through OAuth', async () => {
    const { callback, stateCookies } = await authorize('admin');
    const signedIn = await http('GET', callback, { headers: { cookie: stateCookies } });
    const me = await http('GET', '/me', { headers: { cookie: `${ACCESS}=${signedIn.cookie(ACCESS)}` } });
    expect(me.json).toMatchObject({ email: 'admin@example.com', role: 'admin', email_verified: true });
  });

  it('attack: an account pre-registered with the owner’s e-mail is taken over by the owner’s provider sign-in, and everything of the squatter ends', async () => {
    const { post, mail, login } = steps();
    const victim = `victim-${framework}@example.com`;
    const owner = providerAccount('victim', { email: victim, email_verified: true });
    const attackerPassword = freshPassword('attacker');
    const registered = await post('/auth/register', { email: victim, password: attackerPassword });
    expect(registered.status).toBe(201);
    const squatter = await login(victim, attackerPassword);
    const key = await post('/api-keys', { name: 'backdoor', scopes: ['reports:read'] }, squatter.bearer);
    expect(key.status).toBe(201);
    const apiKey = key.json['key'] as string;
    const sid = (await post('/auth/session', { email: victim, password: attackerPassword })).cookie(SID)!;
    const pendingLink = (await mail(victim, 'verify-email')).token;

    const signedIn = await signInAs(owner);
    expect(signedIn.status).toBe(302);
    expect(await meAfter(signedIn)).toEqual({
      id: registered.json['id'],
      email: victim,
      role: 'user',
      email_verified: true,
    });

    expectError(
      await post('/auth/login', { email: victim, password: attackerPassword }),
      401,
      'invalid_credentials',
    );
    expect((await http('GET', '/service/reports', { headers: { 'x-api-key': apiKey } })).status).toBe(401);
    expectError(await post('/auth/refresh', { refresh_token: squatter.refresh }), 401, 'invalid_grant');
    expectError(await http('GET', '/me', { headers: squatter.bearer }), 401, 'invalid_token');
    expect((await http('GET', '/me', { headers: { cookie: `${SID}=${sid}` } })).status).toBe(401);
    expectError(await post('/auth/verify-email', { token: pendingLink }), 400, 'invalid_grant');
    // The owner's next sign-in finds the account by (issuer, sub).
    expect((await meAfter(await signInAs(owner)))['id']).toBe(registered.json['id']);
  });

  it('links a verified password account by the provider’s verified e-mail; the password keeps working', async () => {
    const { signIn, login } = steps();
    const address = `linked-pw-${framework}@example.com`;
    const user = await signIn(address, { verified: true });
    const provider = providerAccount('linked-pw', { email: address, email_verified: true });
    const signedIn = await signInAs(provider);
    expect(signedIn.status).toBe(302);
    expect(await meAfter(signedIn)).toMatchObject({ id: user.id, email: address, email_verified: true });
    await login(address);
    expect((await http('GET', '/me', { headers: user.bearer })).status).toBe(200);
  });

  it('a returning user is found by (issuer, sub), even when the provider now reports another account’s e-mail', async () => {
    const { signIn, login } = steps();
    const first = `mover-${framework}@example.com`;
    const claims: Record<string, unknown> = { email: first, email_verified: true };
    const mover = providerAccount('mover', claims);
    const original = await meAfter(await signInAs(mover));
    expect(original).toMatchObject({ email: first, email_verified: true });

    const other = await signIn(`someone-else-${framework}@example.com`, { verified: true });
    claims['email'] = other.email;
    const again = await signInAs(mover);
    expect(again.status).toBe(302);
    expect((await meAfter(again))['id']).toBe(original['id']);
    expect(original['id']).not.toBe(other.id);
    await login(other.email);
  });

  it('another subject with the same verified e-mail does not sign into an account already linked at this issuer', async () => {
    const address = `linked-${framework}@example.com`;
    const first = providerAccount('linked', { email: address, email_verified: true });
    const account = await meAfter(await signInAs(first));
    const before = await usersCount();

    const impostor = providerAccount('impostor', { email: address, email_verified: true });
    const refused = await signInAs(impostor);
    expect(refused.status).toBe(400);
    expect(refused.json['error']).toBe('invalid_request');
    expect(refused.cookie(ACCESS)).toBeUndefined();
    expect(refused.cookie(REFRESH)).toBeUndefined();
    expect(await usersCount()).toBe(before);
    expect((await meAfter(await signInAs(first)))['id']).toBe(account['id']);
  });

  it('refuses an unverified e-mail, a wrong or missing state, and a state from another browser: 400, no cookie, no account', async () => {
    const before = await usersCount();
    for (const loginAs of ['bob', 'carol', 'dave']) {
      const { callback, stateCookies } = await authorize(loginAs);
      const refused = await http('GET', callback, { headers: { cookie: stateCookies } });
      expect(refused.status).toBe(400);
      expect(refused.json['error']).toBe('invalid_request');
      expect(refused.cookie(ACCESS)).toBeUndefined();
    }
    const { callback, stateCookies } = await authorize('alice');
    const wrongState = callback.replace(/state=[^&]+/, 'state=forged-state-value');
    expect((await http('GET', wrongState, { headers: { cookie: stateCookies } })).status).toBe(400);
    const other = await authorize('alice');
    // The callback of one browser presented with another browser's state cookie.
    expect((await http('GET', other.callback, { headers: { cookie: stateCookies } })).status).toBe(400);
    expect((await http('GET', other.callback)).status).toBe(400);
    expect(await usersCount()).toBe(before);
  });

  it('answers 404 for an unknown provider, and a provider error as 400', async () => {
    expect((await http('GET', '/auth/oauth/nope/start')).status).toBe(404);
    expect((await http('GET', '/auth/oauth/google/start')).status).toBe(404);
    const { callback, stateCookies } = await authorize('deny');
    const refused = await http('GET', callback, { headers: { cookie: stateCookies } });
    expect(refused.status).toBe(400);
    expect(refused.cookie(ACCESS)).toBeUndefined();
  });

  it('prints no client secret, code or token', () => {
    expect(app.output()).not.toContain(CLIENT_SECRET);
    expect(app.output()).not.toMatch(/[?&]code=/);
  });
});
