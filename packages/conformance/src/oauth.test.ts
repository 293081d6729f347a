// The contract's OAuth / OpenID Connect sign-in, over HTTP, against every demo as a real process, with a real
// OpenID provider (panva's oidc-provider) on a loopback port: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET.
import { freePort } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The provider harness core's own OAuth tests use (a test helper, not part of any published package).
import {
  CLIENT_ID,
  CLIENT_SECRET,
  startTestProvider,
  type TestProvider,
} from '../../core/src/oauth/test-provider.js';
import { createClient, type Request, secret } from './client.js';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';

const ACCESS = '__Host-portcullis-access';
const REFRESH = '__Host-portcullis-refresh';

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
      ADMIN_EMAILS: 'admin@example.com',
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

  async function usersCount(): Promise<number> {
    // Through an admin signed in with a password: the only way the contract offers to count users.
    await http('POST', '/auth/register', {
      body: { email: 'admin@example.com', password: 'admin password for counting' },
    });
    const login = await http('POST', '/auth/login', {
      body: { email: 'admin@example.com', password: 'admin password for counting' },
    });
    const stats = await http('GET', '/admin/stats', {
      headers: { authorization: `Bearer ${login.json['access_token']}` },
    });
    return stats.json['users'] as number;
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
    expect(me.json).toMatchObject({ email: 'alice@example.com', role: 'user' });

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
    expect(me.json).toMatchObject({ email: 'admin@example.com', role: 'admin' });
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
