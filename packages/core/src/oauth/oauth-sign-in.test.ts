import { createHash } from 'node:crypto';
import { parseSetCookie } from 'cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSecretBytes } from '../keys/hmac-secret.js';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import { bearer, PASSWORD } from '../testing/auth.js';
import {
  ACCOUNTS,
  APP_ORIGIN,
  CLIENT_ID,
  CLIENT_SECRET,
  followToCallback,
  signInFixture,
  startTestProvider,
  type TestProvider,
  tokenCookiesSet,
  withParam,
} from '../testing/openid-provider.js';
import { createStateCookies } from './state-cookie.js';

const PEPPER = 'pepper-9bXr2TqLmV7nK4sW8eYc1ZaH6gJ3dF5u'; // test-auth's apiKeys.pepper, which keys the state cookie

let idp: TestProvider; // e-mail only in UserInfo (oidc-provider's default)
let idpEmailInIdToken: TestProvider; // e-mail in the ID token
let otherIdp: TestProvider; // a second, unrelated provider, for mix-up attacks

beforeAll(async () => {
  [idp, idpEmailInIdToken, otherIdp] = await Promise.all([
    startTestProvider(),
    startTestProvider({ conformIdTokenClaims: false }),
    startTestProvider(),
  ]);
});
afterAll(() => Promise.all([idp.close(), idpEmailInIdToken.close(), otherIdp.close()]));

const client = () => ({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
const oidc = (provider: TestProvider = idp) => ({ oidc: { issuer: provider.issuer, ...client() } });

/** Every refused callback: 400 invalid_request, no token cookie, the state cookie deleted, no account. */
function expectRefused(
  result: { status: number; body?: unknown; cookies: string[] },
  users: { count(): number },
  accounts = 0,
) {
  expect(result.status).toBe(400);
  expect(result.body).toEqual({
    error: 'invalid_request',
    error_description: 'Sign-in with the provider failed',
  });
  expect(tokenCookiesSet(result)).toEqual([]);
  expect(result.cookies).toEqual([expect.stringMatching(/^__Host-portcullis-oauth-oidc=; Max-Age=0;/)]);
  expect(users.count()).toBe(accounts);
}

function refusalReasons(events: unknown[]): string[] {
  return events
    .filter((e): e is { type: string; reason: string } => (e as { type: string }).type === 'oauth.refused')
    .map((e) => e.reason);
}

describe('GET /auth/oauth/:provider/start', () => {
  it('redirects to the authorization endpoint with code, state, nonce, PKCE S256, openid email and the redirect URI', async () => {
    const { start } = await signInFixture(oidc());
    const { response, location, cookie } = await start();
    expect(response.status).toBe(302);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toBeUndefined();
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.issuer}/auth`);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${APP_ORIGIN}/auth/oauth/oidc/callback`,
      scope: 'openid email',
      state: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
    });
    // The cookie holds the verifier whose S256 challenge was sent, and the same state and nonce.
    const record = createStateCookies({ secret: hmacSecretBytes(PEPPER), maxAge: 600 }).open('oidc', {
      cookie,
    });
    expect(record).toMatchObject({ provider: 'oidc', state: params['state'], nonce: params['nonce'] });
    expect(createHash('sha256').update(record!.codeVerifier).digest('base64url')).toBe(
      params['code_challenge'],
    );
  });

  it('sets the state cookie __Host-, HttpOnly, Secure, SameSite=Lax, Path=/, Max-Age 10 minutes, encrypted', async () => {
    const { start } = await signInFixture(oidc());
    const { response, location } = await start();
    const [setCookie] = response.cookies;
    expect(response.cookies).toHaveLength(1);
    expect(parseSetCookie(setCookie!)).toEqual({
      name: '__Host-portcullis-oauth-oidc',
      value: expect.any(String),
      maxAge: 600,
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
    });
    const state = new URL(location).searchParams.get('state')!;
    expect(setCookie).not.toContain(state);
  });

  it('uses a fresh state, nonce and verifier each time', async () => {
    const { start } = await signInFixture(oidc());
    const [a, b] = [await start(), await start()];
    const params = (l: string) => new URL(l).searchParams;
    for (const name of ['state', 'nonce', 'code_challenge'])
      expect(params(a.location).get(name)).not.toBe(params(b.location).get(name));
  });

  it('answers 404 not_found for an unknown or unconfigured provider, on both routes', async () => {
    const { call } = await signInFixture(oidc());
    for (const path of [
      '/auth/oauth/google/start',
      '/auth/oauth/nope/start',
      '/auth/oauth/google/callback?code=x&state=y',
      '/auth/oauth/toString/start',
      '/auth/oauth/__proto__/callback',
    ]) {
      const response = await call('GET', path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', error_description: 'Unknown sign-in provider' });
      expect(response.cookies).toEqual([]);
    }
  });

  it('answers 404 when no provider is configured at all', async () => {
    const { call } = await signInFixture({});
    expect((await call('GET', '/auth/oauth/oidc/start')).status).toBe(404);
  });
});

describe('GET /auth/oauth/:provider/callback', () => {
  it('signs in: 302 to / with both token cookies, the state cookie deleted, an account created by the verified e-mail', async () => {
    const { signIn, users, auth, events, stores } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const { result } = await signIn();
    expect(result.status).toBe(302);
    expect(result.headers).toEqual({ location: '/', 'cache-control': 'no-store' });
    expect(result.body).toBeUndefined();
    expect(tokenCookiesSet(result)).toEqual(['__Host-portcullis-access', '__Host-portcullis-refresh']);
    expect(result.setCookie('__Host-portcullis-access')).toMatch(
      /; Max-Age=900; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(result.setCookie('__Host-portcullis-refresh')).toMatch(
      /; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    expect(result.setCookie('__Host-portcullis-oauth-oidc')).toMatch(
      /^__Host-portcullis-oauth-oidc=; Max-Age=0;/,
    );

    const user = await users.findByEmail('alice@example.com');
    expect(user).toEqual({
      id: expect.any(String),
      email: 'alice@example.com',
      role: 'user',
      passwordHash: null,
      emailVerified: true,
    });
    expect(await stores.identities.find(idp.issuer, 'alice')).toMatchObject({
      userId: user!.id,
      provider: 'oidc',
    });
    const principal = await auth.verifier.verify(result.cookie('__Host-portcullis-access')!);
    expect(principal).toMatchObject({ subject: user!.id, roles: ['user'] });
    expect(events).toContainEqual({ type: 'user.registered', subject: user!.id });
    expect(events).toContainEqual({ type: 'login.succeeded', subject: user!.id, method: 'oauth' });
  });

  it('issues tokens like password login: the refresh cookie rotates at /auth/refresh', async () => {
    const { signIn, call } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const { result } = await signIn();
    const refreshed = await call('POST', '/auth/refresh', {
      headers: {
        cookie: `__Host-portcullis-refresh=${result.cookie('__Host-portcullis-refresh')}`,
        origin: APP_ORIGIN,
      },
    });
    expect(refreshed.status).toBe(200);
  });

  it('takes the e-mail from the ID token when it carries one', async () => {
    const { signIn, users } = await signInFixture(oidc(idpEmailInIdToken));
    idpEmailInIdToken.loginAs = 'alice';
    const before = idpEmailInIdToken.hits.get('/me') ?? 0;
    const { result } = await signIn();
    expect(result.status).toBe(302);
    expect(users.count()).toBe(1);
    expect(idpEmailInIdToken.hits.get('/me') ?? 0).toBe(before); // UserInfo not needed
  });

  it('links an existing verified account with the same e-mail instead of creating one', async () => {
    const { signIn, users, registerAndLogin, stores } = await signInFixture(oidc());
    const { id } = await registerAndLogin('alice@example.com', PASSWORD, { verified: true });
    idp.loginAs = 'alice'; // Alice@Example.com at the provider
    const { result } = await signIn();
    expect(result.status).toBe(302);
    expect(users.count()).toBe(1);
    const user = await users.findById(id);
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/); // the owner's password still works: nothing was replaced
    expect((await stores.identities.find(idp.issuer, 'alice'))?.userId).toBe(id);
  });

  it('pre-hijack: a provider user takes over an unverified account registered with their e-mail', async () => {
    const { signIn, users, registerAndLogin, call, events, auth } = await signInFixture(oidc());
    // The attacker registers the victim's address with a password of their own, and arms the account.
    const attacker = await registerAndLogin('alice@example.com', PASSWORD);
    const key = (
      await call('POST', '/api-keys', {
        body: { name: 'stash', scopes: ['reports:read'] },
        headers: bearer(attacker.accessToken),
      })
    ).body as { key: string };
    const session = await call('POST', '/auth/session', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const sid = session.cookie('__Host-portcullis-sid')!;

    idp.loginAs = 'alice'; // the real owner, verified at the provider
    const { result } = await signIn();
    expect(result.status).toBe(302);
    const user = await users.findById(attacker.id);
    expect(user).toMatchObject({ passwordHash: null, emailVerified: true });
    expect(events).toContainEqual({ type: 'account.taken_over', subject: attacker.id, provider: 'oidc' });

    // Everything the attacker held is dead.
    const login = await call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    expect(login.status).toBe(401);
    await expect(auth.apiKeys.verify(key.key)).rejects.toMatchObject({ reason: 'revoked' });
    expect(
      (await call('POST', '/auth/refresh', { body: { refresh_token: attacker.refreshToken } })).status,
    ).toBe(401);
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(attacker.accessToken) }),
    ).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: { cookie: `__Host-portcullis-sid=${sid}` } }),
    ).rejects.toMatchObject({ code: 'invalid_token' });
    // The owner's own sign-in works.
    await expect(
      auth.authenticate({
        method: 'GET',
        url: '/me',
        headers: bearer(result.cookie('__Host-portcullis-access')!),
      }),
    ).resolves.toMatchObject({ subject: attacker.id });
  });

  it('finds a returning user by (issuer, sub), whatever e-mail the provider reports now', async () => {
    const { signIn, users, stores } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    await signIn();
    const alice = await users.findByEmail('alice@example.com');
    idp.rewrites.set('/me', (body) => ({ ...body, email: 'alice.new@example.com' }));
    try {
      const { result } = await signIn();
      expect(result.status).toBe(302);
      expect(users.count()).toBe(1);
      expect((await stores.identities.listByUser(alice!.id)).map((i) => i.subject)).toEqual(['alice']);
    } finally {
      idp.rewrites.delete('/me');
    }
  });

  it('refuses a new subject of the same issuer asserting the e-mail of a linked account (a reassigned address)', async () => {
    const { signIn, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    await signIn();
    // The provider gives alice's old address to somebody else: a new account, a new `sub`.
    ACCOUNTS['alice-successor'] = { email: 'alice@example.com', email_verified: true };
    try {
      idp.loginAs = 'alice-successor';
      const { result } = await signIn();
      expect(result.status).toBe(400);
      expect(tokenCookiesSet(result)).toEqual([]);
      expect(users.count()).toBe(1);
      expect(events).toContainEqual({ type: 'oauth.refused', provider: 'oidc', reason: 'email_reassigned' });
    } finally {
      delete ACCOUNTS['alice-successor'];
    }
  });

  it('gives ADMIN_EMAILS (roleFor) their role on accounts created through OAuth', async () => {
    const { signIn, users, auth } = await signInFixture(oidc());
    idp.loginAs = 'admin';
    const { result } = await signIn();
    expect((await users.findByEmail('admin@example.com'))?.role).toBe('admin');
    expect((await auth.verifier.verify(result.cookie('__Host-portcullis-access')!)).roles).toEqual(['admin']);
  });

  it('redirects to oauth.redirectTo when configured', async () => {
    const { signIn } = await signInFixture(oidc(), { oauth: { redirectTo: '/welcome?from=oauth' } });
    idp.loginAs = 'alice';
    expect((await signIn()).result.headers['location']).toBe('/welcome?from=oauth');
  });

  it('sends client_secret_basic to the token endpoint (the provider accepts no other method for this client)', async () => {
    const { signIn } = await signInFixture({
      oidc: { issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: 'wrong' },
    });
    idp.loginAs = 'alice';
    const { result } = await signIn();
    expect(result.status).toBe(400); // invalid_client: the secret was sent, and checked
  });
});

describe('refused callbacks: 400 invalid_request, no token cookie, no account', () => {
  it('refuses a wrong state', async () => {
    const { authorize, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const { callbackPath, cookie } = await authorize();
    const tokenHits = idp.hits.get('/token') ?? 0;
    expectRefused(await callback(withParam(callbackPath, 'state', 'forged-state'), cookie), users);
    expect(refusalReasons(events)).toEqual(['state_mismatch']);
    expect(idp.hits.get('/token') ?? 0).toBe(tokenHits); // the code was never redeemed
  });

  it('refuses a missing or duplicated state parameter', async () => {
    const { authorize, callback, users } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const a = await authorize();
    expectRefused(await callback(withParam(a.callbackPath, 'state', null), a.cookie), users);
    const b = await authorize();
    const state = new URL(b.callbackPath, APP_ORIGIN).searchParams.get('state')!;
    expectRefused(await callback(`${b.callbackPath}&state=${state}`, b.cookie), users);
  });

  it('refuses a callback from another browser (no state cookie), or with a forged or altered one', async () => {
    const { authorize, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const { callbackPath, cookie } = await authorize();
    expectRefused(await callback(callbackPath), users);
    expectRefused(await callback(callbackPath, '__Host-portcullis-oauth-oidc=not-a-sealed-record'), users);
    const value = cookie.slice(cookie.indexOf('=') + 1);
    const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21);
    expectRefused(await callback(callbackPath, `__Host-portcullis-oauth-oidc=${flipped}`), users);
    // A cookie sealed under another server secret.
    const foreign = createStateCookies({ secret: Buffer.alloc(32, 7), maxAge: 600 }).seal({
      provider: 'oidc',
      state: new URL(callbackPath, APP_ORIGIN).searchParams.get('state')!,
      nonce: 'n',
      codeVerifier: 'v'.repeat(43),
      expiresAt: Date.now() + 60_000,
    });
    expectRefused(await callback(callbackPath, foreign.split(';')[0]), users);
    expect(refusalReasons(events)).toEqual(Array(4).fill('state_cookie_missing'));
  });

  it('refuses a state cookie of another provider moved under this name', async () => {
    const { authorize, start, callback, users } = await signInFixture({
      ...oidc(),
      other: { issuer: otherIdp.issuer, ...client() },
    });
    idp.loginAs = 'alice';
    const { callbackPath } = await authorize('oidc');
    const other = await start('other');
    const moved = `__Host-portcullis-oauth-oidc=${other.cookie.slice(other.cookie.indexOf('=') + 1)}`;
    expectRefused(await callback(callbackPath, moved), users);
  });

  it('refuses a replayed state, even after a successful sign-in', async () => {
    const { authorize, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const { callbackPath, cookie } = await authorize();
    expect((await callback(callbackPath, cookie)).status).toBe(302);
    expectRefused(await callback(callbackPath, cookie), users, 1);
    expect(refusalReasons(events)).toEqual(['state_replayed']);
  });

  it('spends the state on a failed attempt too', async () => {
    const { authorize, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const { callbackPath, cookie } = await authorize();
    expectRefused(await callback(withParam(callbackPath, 'code', 'wrong-code'), cookie), users);
    expectRefused(await callback(callbackPath, cookie), users);
    expect(refusalReasons(events)).toEqual(['provider_refused:invalid_grant', 'state_replayed']);
  });

  it('keeps the state single-use without an oauthStates store (through the revocation store)', async () => {
    const { oauthStates: _, ...stores } = createMemoryStores();
    const { authorize, callback, users, events } = await signInFixture(oidc(), {}, stores);
    idp.loginAs = 'alice';
    const { callbackPath, cookie } = await authorize();
    expect((await callback(callbackPath, cookie)).status).toBe(302);
    expectRefused(await callback(callbackPath, cookie), users, 1);
    expect(refusalReasons(events)).toEqual(['state_replayed']);
  });

  it('refuses a replayed code with a fresh state (the provider refuses it; PKCE binds it to the first verifier)', async () => {
    const { authorize, start, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const first = await authorize();
    expect((await callback(first.callbackPath, first.cookie)).status).toBe(302);
    const second = await start();
    const state = new URL(second.location).searchParams.get('state')!;
    expectRefused(await callback(withParam(first.callbackPath, 'state', state), second.cookie), users, 1);
    expect(refusalReasons(events)).toEqual(['provider_refused:invalid_grant']);
  });

  it('refuses an expired state (10 minutes) without calling the provider', async () => {
    const { authorize, callback, users, events, clock } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const { callbackPath, cookie } = await authorize();
    const tokenHits = idp.hits.get('/token') ?? 0;
    clock.advance(601);
    expectRefused(await callback(callbackPath, cookie), users);
    expect(refusalReasons(events)).toEqual(['state_expired']);
    expect(idp.hits.get('/token') ?? 0).toBe(tokenHits);
  });

  it('refuses an ID token whose nonce is not the one this browser sent (code injected with its own verifier)', async () => {
    const { authorize, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    // The attacker's own round trip: a code issued for nonce A, and the verifier that redeems it…
    const { callbackPath, cookie } = await authorize();
    const cookies = createStateCookies({ secret: hmacSecretBytes(PEPPER), maxAge: 600 });
    const attacker = cookies.open('oidc', { cookie })!;
    // …injected into a victim's sign-in that expects nonce B (even granting the verifier matched).
    const victim = cookies.seal({ ...attacker, nonce: 'the-victims-nonce-zXk3vQ9mB2nL7wR4tY8cH1jF6' });
    expectRefused(await callback(callbackPath, victim.split(';')[0]), users);
    expect(refusalReasons(events)).toEqual(['id_token_nonce_mismatch']);
  });

  it('refuses a provider error (the user said no)', async () => {
    const { authorize, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'deny';
    const { callbackPath, cookie } = await authorize();
    expect(new URL(callbackPath, APP_ORIGIN).searchParams.get('error')).toBe('access_denied');
    expectRefused(await callback(callbackPath, cookie), users);
    expect(refusalReasons(events)).toEqual(['provider_error:access_denied']);
    idp.loginAs = 'alice';
  });

  it('refuses an iss parameter of another issuer, or none, from a provider that announces RFC 9207', async () => {
    const { authorize, callback, users, events } = await signInFixture(oidc());
    idp.loginAs = 'alice';
    const a = await authorize();
    expect(new URL(a.callbackPath, APP_ORIGIN).searchParams.get('iss')).toBe(idp.issuer);
    expectRefused(await callback(withParam(a.callbackPath, 'iss', otherIdp.issuer), a.cookie), users);
    const b = await authorize();
    expectRefused(await callback(withParam(b.callbackPath, 'iss', null), b.cookie), users);
    expect(refusalReasons(events)).toEqual(['iss_mismatch', 'iss_missing']);
  });

  it('refuses a code from another provider sent to this provider’s callback (mix-up)', async () => {
    const { start, callback, users } = await signInFixture(oidc());
    const { location, cookie } = await start();
    // The browser is steered to the other provider with this sign-in's parameters; it comes back with iss=other.
    const steered = new URL(location);
    const path = await followToCallback(`${otherIdp.issuer}/auth${steered.search}`);
    expect(new URL(path, APP_ORIGIN).searchParams.get('iss')).toBe(otherIdp.issuer);
    expectRefused(await callback(path, cookie), users);
  });

  it.each([
    ['email_verified: false', 'bob', 'email_unverified'],
    ['email_verified: "true" (a string)', 'carol', 'email_unverified'],
    ['no email_verified at all', 'dave', 'email_unverified'],
  ])('refuses an unverified e-mail (%s), from UserInfo or the ID token', async (_label, account, reason) => {
    for (const provider of [idp, idpEmailInIdToken]) {
      const { signIn, users, events } = await signInFixture(oidc(provider));
      provider.loginAs = account;
      const { result } = await signIn();
      expectRefused(result, users);
      expect(refusalReasons(events)).toEqual([reason]);
      provider.loginAs = 'alice';
    }
  });

  it('accepts another verification claim only when configured (Entra ID’s xms_edov)', async () => {
    idp.loginAs = 'erin';
    const strict = await signInFixture(oidc());
    expectRefused((await strict.signIn()).result, strict.users);
    const lenient = await signInFixture({
      oidc: { issuer: idp.issuer, ...client(), emailVerifiedClaims: ['email_verified', 'xms_edov'] },
    });
    expect((await lenient.signIn()).result.status).toBe(302);
    idp.loginAs = 'alice';
  });
});
