import { describe, expect, it } from 'vitest';
import { authFixture, bearer, cookieHeader, ORIGIN, PASSWORD } from '../testing/auth.js';

const REFRESH = '__Host-portcullis-refresh';
const ACCESS = '__Host-portcullis-access';
const SID = '__Host-portcullis-sid';

describe('register', () => {
  it('creates an unverified user and answers 201 {id,email,role,email_verified}, normalising the e-mail', async () => {
    const { call } = await authFixture();
    const response = await call('POST', '/auth/register', {
      body: { email: '  Alice@Example.COM ', password: PASSWORD },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      email: 'alice@example.com',
      role: 'user',
      email_verified: false,
    });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('gives the configured role (ADMIN_EMAILS) only once the e-mail is verified', async () => {
    const { call, verify } = await authFixture();
    const response = await call('POST', '/auth/register', {
      body: { email: 'admin@example.com', password: PASSWORD },
    });
    expect((response.body as { role: string }).role).toBe('user');
    const verified = await verify('admin@example.com');
    expect(verified.body).toMatchObject({ role: 'admin', email_verified: true });
  });

  it.each([
    ['short', 'elevenchars'],
    ['long', 'x'.repeat(129)],
    ['common', 'password1234'],
  ])('refuses a %s password with 400 weak_password', async (_label, password) => {
    const { call, users } = await authFixture();
    const response = await call('POST', '/auth/register', { body: { email: 'bob@example.com', password } });
    expect(response.status).toBe(400);
    expect((response.body as { error: string }).error).toBe('weak_password');
    expect(users.count()).toBe(0);
  });

  it('answers 409 email_taken for an existing e-mail', async () => {
    const { call } = await authFixture();
    await call('POST', '/auth/register', { body: { email: 'bob@example.com', password: PASSWORD } });
    const again = await call('POST', '/auth/register', {
      body: { email: 'BOB@example.com', password: `${PASSWORD}!` },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'email_taken', error_description: expect.any(String) });
  });

  it.each([
    ['not JSON', '{"email":'],
    ['an array', '[]'],
    ['a wrong type', { email: 42, password: PASSWORD }],
    ['a missing field', { email: 'bob@example.com' }],
    ['no e-mail shape', { email: 'bob', password: PASSWORD }],
  ])('answers 400 invalid_request for %s', async (_label, body) => {
    const { call } = await authFixture();
    const response = await call('POST', '/auth/register', { body });
    expect(response.status).toBe(400);
    expect((response.body as { error: string }).error).toBe('invalid_request');
  });

  it('refuses a body not declared as JSON, so a cross-site text/plain form cannot log anyone in (login CSRF)', async () => {
    const { call, registerAndLogin } = await authFixture();
    await registerAndLogin();
    const body = JSON.stringify({ email: 'alice@example.com', password: PASSWORD });
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await call('POST', '/auth/login', { headers: { 'content-type': contentType }, body });
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toBe('invalid_request');
      expect(response.cookies).toEqual([]);
    }
    const json = await call('POST', '/auth/login', {
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    expect(json.status).toBe(200);
  });

  it('answers 413 for a body over 16 KiB', async () => {
    const { call } = await authFixture();
    const response = await call('POST', '/auth/register', {
      body: { email: 'bob@example.com', password: PASSWORD, pad: 'x'.repeat(17000) },
    });
    expect(response.status).toBe(413);
    expect((response.body as { error: string }).error).toBe('payload_too_large');
  });
});

describe('login', () => {
  it('answers 200 with the access token and both cookies', async () => {
    const { registerAndLogin, auth } = await authFixture();
    const { login, accessToken } = await registerAndLogin();
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ access_token: accessToken, token_type: 'Bearer', expires_in: 900 });
    expect(login.headers['cache-control']).toBe('no-store');
    expect(login.setCookie(ACCESS)).toMatch(/; Max-Age=900; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(login.setCookie(REFRESH)).toMatch(/; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(login.cookie(ACCESS)).toBe(accessToken);
    const principal = await auth.verifier.verify(accessToken);
    expect(principal.roles).toEqual(['user']);
    expect(principal.sessionId).toEqual(expect.any(String));
  });

  it('gives an unknown e-mail and a wrong password identical responses', async () => {
    const { call, registerAndLogin } = await authFixture();
    await registerAndLogin();
    const wrongPassword = await call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: 'not the password at all' },
    });
    const unknownEmail = await call('POST', '/auth/login', {
      body: { email: 'nobody@example.com', password: 'not the password at all' },
    });
    expect(wrongPassword.status).toBe(401);
    const visible = ({ status, headers, body, cookies }: typeof wrongPassword) => ({
      status,
      headers,
      body,
      cookies,
    });
    expect(visible(unknownEmail)).toEqual(visible(wrongPassword));
    expect(wrongPassword.body).toEqual({
      error: 'invalid_credentials',
      error_description: 'Invalid e-mail or password',
    });
    expect(wrongPassword.cookies).toEqual([]);
  });

  it('throttles: 5 failures get 401, the next attempt 429 with Retry-After, even with the right password', async () => {
    const { call, registerAndLogin } = await authFixture();
    await registerAndLogin();
    for (let i = 0; i < 5; i++) {
      const failure = await call('POST', '/auth/login', {
        body: { email: ' ALICE@example.com', password: `wrong password ${i}` },
      });
      expect(failure.status).toBe(401);
    }
    const blocked = await call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('counts unknown e-mails too, so a 429 reveals nothing', async () => {
    const { call } = await authFixture();
    for (let i = 0; i < 5; i++)
      await call('POST', '/auth/login', {
        body: { email: 'ghost@example.com', password: `guess number ${i}` },
      });
    const blocked = await call('POST', '/auth/login', {
      body: { email: 'ghost@example.com', password: 'guess number 6' },
    });
    expect(blocked.status).toBe(429);
  });

  it('upgrades a legacy bcrypt hash to argon2id on a successful login', async () => {
    const { call, users } = await authFixture({
      passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 }, bcrypt: true },
    });
    const bcrypt = await import('@node-rs/bcrypt');
    const legacy = await bcrypt.hash(PASSWORD, { cost: 12 });
    await users.create({
      email: 'legacy@example.com',
      passwordHash: legacy,
      role: 'user',
      emailVerified: true,
    });
    const response = await call('POST', '/auth/login', {
      body: { email: 'legacy@example.com', password: PASSWORD },
    });
    expect(response.status).toBe(200);
    expect((await users.findByEmail('legacy@example.com'))?.passwordHash).toMatch(/^\$argon2id\$/);
  });
});

describe('refresh', () => {
  it('rotates the refresh token by cookie (with Origin) or body', async () => {
    const { call, registerAndLogin } = await authFixture();
    const { refreshToken } = await registerAndLogin();
    const byCookie = await call('POST', '/auth/refresh', {
      headers: { ...cookieHeader({ [REFRESH]: refreshToken }), origin: ORIGIN },
    });
    expect(byCookie.status).toBe(200);
    const next = byCookie.cookie(REFRESH)!;
    expect(next).not.toBe(refreshToken);
    const byBody = await call('POST', '/auth/refresh', { body: { refresh_token: next } });
    expect(byBody.status).toBe(200);
    expect((byBody.body as { token_type: string }).token_type).toBe('Bearer');
  });

  it('revokes the whole family on replay: the newest token and its access tokens stop working', async () => {
    const { call, registerAndLogin, auth } = await authFixture();
    const { refreshToken } = await registerAndLogin();
    const rotated = await call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
    const newest = rotated.cookie(REFRESH)!;
    const newestAccess = (rotated.body as { access_token: string }).access_token;
    expect(
      (await auth.authenticate({ method: 'GET', url: '/me', headers: bearer(newestAccess) })).subject,
    ).toBeDefined();

    const replay = await call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    expect(replay.setCookie(REFRESH)).toMatch(/Max-Age=0/);
    const afterReplay = await call('POST', '/auth/refresh', { body: { refresh_token: newest } });
    expect(afterReplay.status).toBe(401);
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(newestAccess) }),
    ).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('lets exactly 1 of 50 concurrent refreshes of one token succeed', async () => {
    const { call, registerAndLogin } = await authFixture();
    const { refreshToken } = await registerAndLogin();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } }),
      ),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 401)).toHaveLength(49);
  });

  it('refuses a cookie refresh without the app Origin, and spends nothing', async () => {
    const { call, registerAndLogin } = await authFixture();
    const { refreshToken } = await registerAndLogin();
    for (const origin of [undefined, 'https://evil.example', 'null']) {
      const headers = { ...cookieHeader({ [REFRESH]: refreshToken }), ...(origin ? { origin } : {}) };
      const refused = await call('POST', '/auth/refresh', { headers });
      expect(refused.status).toBe(403);
      expect((refused.body as { error: string }).error).toBe('csrf_failed');
    }
    const stillGood = await call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
    expect(stillGood.status).toBe(200);
  });

  it('answers 401 invalid_grant for unknown, malformed or missing tokens', async () => {
    const { call } = await authFixture();
    for (const body of [{ refresh_token: 'A'.repeat(43) }, { refresh_token: 'nope' }, undefined]) {
      const response = await call('POST', '/auth/refresh', { body });
      expect(response.status).toBe(401);
      expect((response.body as { error: string }).error).toBe('invalid_grant');
    }
    expect((await call('POST', '/auth/refresh', { body: { refresh_token: 5 } })).status).toBe(400);
  });
});

describe('logout', () => {
  it('with a bearer token revokes the token and its refresh family', async () => {
    const { call, registerAndLogin, auth } = await authFixture();
    const { accessToken, refreshToken } = await registerAndLogin();
    const response = await call('POST', '/auth/logout', { headers: bearer(accessToken) });
    expect(response.status).toBe(204);
    expect(response.setCookie(ACCESS)).toMatch(/Max-Age=0/);
    expect(response.setCookie(REFRESH)).toMatch(/Max-Age=0/);
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(accessToken) }),
    ).rejects.toMatchObject({ reason: 'revoked' });
    expect((await call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } })).status).toBe(401);
  });

  it('with cookies requires the Origin and then ends the family', async () => {
    const { call, registerAndLogin } = await authFixture();
    const { refreshToken, accessCookie } = await registerAndLogin();
    const cookies = cookieHeader({ [REFRESH]: refreshToken, [ACCESS]: accessCookie });
    expect((await call('POST', '/auth/logout', { headers: cookies })).status).toBe(403);
    expect((await call('POST', '/auth/logout', { headers: { ...cookies, origin: ORIGIN } })).status).toBe(
      204,
    );
    expect((await call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } })).status).toBe(401);
  });
});

describe('sessions', () => {
  it('issue a new id at every login, end the previous one, and authenticate /me-style requests', async () => {
    const { call, auth } = await authFixture();
    await call('POST', '/auth/register', { body: { email: 'carol@example.com', password: PASSWORD } });
    const first = await call('POST', '/auth/session', {
      body: { email: 'carol@example.com', password: PASSWORD },
    });
    expect(first.status).toBe(204);
    expect(first.setCookie(SID)).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const sid1 = first.cookie(SID)!;
    const second = await call('POST', '/auth/session', {
      headers: cookieHeader({ [SID]: sid1 }),
      body: { email: 'carol@example.com', password: PASSWORD },
    });
    const sid2 = second.cookie(SID)!;
    expect(sid2).not.toBe(sid1);
    const me = await auth.authenticate({ method: 'GET', url: '/me', headers: cookieHeader({ [SID]: sid2 }) });
    expect(me.method).toBe('session');
    expect(me.roles).toEqual(['user']);
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: cookieHeader({ [SID]: sid1 }) }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('are destroyed by DELETE /auth/session, which requires the Origin', async () => {
    const { call, auth } = await authFixture();
    await call('POST', '/auth/register', { body: { email: 'carol@example.com', password: PASSWORD } });
    const sid = (
      await call('POST', '/auth/session', { body: { email: 'carol@example.com', password: PASSWORD } })
    ).cookie(SID)!;
    const headers = cookieHeader({ [SID]: sid });
    expect(
      (await call('DELETE', '/auth/session', { headers: { ...headers, origin: 'https://evil.example' } }))
        .status,
    ).toBe(403);
    await expect(auth.authenticate({ method: 'GET', url: '/me', headers })).resolves.toBeDefined();
    const destroyed = await call('DELETE', '/auth/session', { headers: { ...headers, origin: ORIGIN } });
    expect(destroyed.status).toBe(204);
    expect(destroyed.setCookie(SID)).toMatch(/Max-Age=0/);
    await expect(auth.authenticate({ method: 'GET', url: '/me', headers })).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('authenticate', () => {
  it('refuses credentials in the URL before anything else, even with a valid header', async () => {
    const { registerAndLogin, auth } = await authFixture();
    const { accessToken } = await registerAndLogin();
    await expect(
      auth.authenticate({
        method: 'GET',
        url: `/me?access_token=${accessToken}`,
        headers: bearer(accessToken),
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
  });

  it('answers malformed headers and missing credentials as the contract says', async () => {
    const { auth } = await authFixture();
    const refusal = (headers: Record<string, string | string[]>) =>
      auth.authenticate({ method: 'GET', url: '/me', headers }).then(
        () => undefined,
        (error: unknown) => auth.errorResponse(error),
      );
    const none = await refusal({});
    expect(none?.status).toBe(401);
    expect(none?.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
    const malformed = await refusal({ authorization: 'Basic abc' });
    expect(malformed?.headers['www-authenticate']).toContain('error="invalid_request"');
    expect((malformed!.body as { error_description: string }).error_description).toBe(
      'Malformed authorization header',
    );
    const invalid = await refusal({ authorization: 'Bearer abc.def.ghi' });
    expect(invalid?.headers['www-authenticate']).toContain('error="invalid_token"');
    expect((invalid!.body as { error_description: string }).error_description).toBe('Invalid token');
  });

  it('requires the Origin for cookie-authenticated unsafe methods, not for header-authenticated ones', async () => {
    const { registerAndLogin, auth } = await authFixture();
    const { accessToken, accessCookie } = await registerAndLogin();
    const cookies = cookieHeader({ [ACCESS]: accessCookie });
    await expect(
      auth.authenticate({ method: 'POST', url: '/api-keys', headers: cookies }),
    ).rejects.toMatchObject({ code: 'csrf_failed' });
    await expect(auth.authenticate({ method: 'GET', url: '/me', headers: cookies })).resolves.toMatchObject({
      method: 'cookie',
    });
    await expect(
      auth.authenticate({ method: 'POST', url: '/api-keys', headers: { ...cookies, origin: ORIGIN } }),
    ).resolves.toBeDefined();
    await expect(
      auth.authenticate({ method: 'DELETE', url: '/api-keys/x', headers: bearer(accessToken) }),
    ).resolves.toMatchObject({ method: 'bearer' });
  });

  it('"log out everywhere" ends every token, family and session of a user', async () => {
    const { registerAndLogin, auth, call, clock } = await authFixture();
    const one = await registerAndLogin();
    const two = await call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const sid = (
      await call('POST', '/auth/session', { body: { email: 'alice@example.com', password: PASSWORD } })
    ).cookie(SID)!;
    clock.advance(1);
    await auth.logoutEverywhere(one.id);
    for (const token of [one.accessToken, (two.body as { access_token: string }).access_token]) {
      await expect(
        auth.authenticate({ method: 'GET', url: '/me', headers: bearer(token) }),
      ).rejects.toMatchObject({ reason: 'revoked' });
    }
    expect((await call('POST', '/auth/refresh', { body: { refresh_token: one.refreshToken } })).status).toBe(
      401,
    );
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: cookieHeader({ [SID]: sid }) }),
    ).rejects.toMatchObject({ status: 401 });
    const again = await call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const fresh = (again.body as { access_token: string }).access_token;
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(fresh) }),
    ).resolves.toBeDefined();
  });
});

describe('roles stay current', () => {
  it('re-reads the role at every session use: a demoted admin loses it at the next request', async () => {
    const { call, auth, users, registerAndLogin } = await authFixture();
    const admin = await registerAndLogin('admin@example.com', PASSWORD, { verified: true });
    const session = await call('POST', '/auth/session', {
      body: { email: 'admin@example.com', password: PASSWORD },
    });
    const headers = cookieHeader({ [SID]: session.cookie(SID)! });
    expect((await auth.authenticate({ method: 'GET', url: '/admin', headers })).roles).toEqual(['admin']);
    await users.update(admin.id, { role: 'user' });
    expect((await auth.authenticate({ method: 'GET', url: '/admin', headers })).roles).toEqual(['user']);
  });

  it('re-reads the role at every refresh', async () => {
    const { call, auth, users, registerAndLogin } = await authFixture();
    const admin = await registerAndLogin('admin@example.com', PASSWORD, { verified: true });
    await users.update(admin.id, { role: 'user' });
    const refreshed = await call('POST', '/auth/refresh', { body: { refresh_token: admin.refreshToken } });
    const token = (refreshed.body as { access_token: string }).access_token;
    expect((await auth.verifier.verify(token)).roles).toEqual(['user']);
  });

  it('ends a session whose user is gone', async () => {
    const { call, auth, users, registerAndLogin } = await authFixture();
    await registerAndLogin('alice@example.com');
    const session = await call('POST', '/auth/session', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    users.findById = async () => null;
    await expect(
      auth.authenticate({
        method: 'GET',
        url: '/me',
        headers: cookieHeader({ [SID]: session.cookie(SID)! }),
      }),
    ).rejects.toMatchObject({ code: 'invalid_token', reason: 'user_gone' });
  });
});

describe('lockout abuse and registration floods', () => {
  const DEVICE = '__Host-portcullis-device';

  it('sets the device cookie at every password login (token or session), and logout keeps it', async () => {
    const { call, registerAndLogin } = await authFixture();
    const alice = await registerAndLogin('alice@example.com');
    expect(alice.login.setCookie(DEVICE)).toMatch(
      /; Max-Age=15552000; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    const session = await call('POST', '/auth/session', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    expect(session.cookie(DEVICE)).toBeDefined();
    const out = await call('POST', '/auth/logout', { headers: bearer(alice.accessToken) });
    expect(out.setCookie(DEVICE)).toBeUndefined();
  });

  it('strangers failing from many addresses lock the account, but never the owner’s browser', async () => {
    const { call, registerAndLogin } = await authFixture({ login: { maxFailuresPerAccount: 10 } });
    const owner = await registerAndLogin('alice@example.com');
    const device = owner.login.cookie(DEVICE)!;
    const login = (ip: string, password: string, headers: Record<string, string> = {}) =>
      call('POST', '/auth/login', { body: { email: 'alice@example.com', password }, ip, headers });
    for (let i = 1; i <= 10; i++)
      expect((await login(`192.0.2.${i}`, 'a wrong guess here')).status).toBe(401);
    // Any browser without the device cookie, the right password included, is refused now…
    expect((await login('198.51.100.1', PASSWORD)).status).toBe(429);
    // …the owner's is not, and a device cookie of another account or a forged one does not help.
    expect((await login('198.51.100.1', PASSWORD, cookieHeader({ [DEVICE]: device }))).status).toBe(200);
    const bob = await registerAndLogin('bob@example.com');
    const foreign = bob.login.cookie(DEVICE)!;
    expect((await login('198.51.100.2', PASSWORD, cookieHeader({ [DEVICE]: foreign }))).status).toBe(429);
    // Two characters of the signature changed (always changed: a random one may already end in "AA").
    const forged = `${device.slice(0, -2)}${device.endsWith('AA') ? 'BA' : 'AA'}`;
    expect((await login('198.51.100.2', PASSWORD, cookieHeader({ [DEVICE]: forged }))).status).toBe(429);
  });

  it('limits registrations per address, counted before the password is even checked', async () => {
    const { call, users } = await authFixture({ accounts: { registerLimit: 2 } });
    const register = (email: string, password: string, ip = '192.0.2.1') =>
      call('POST', '/auth/register', { body: { email, password }, ip });
    expect((await register('a@example.com', PASSWORD)).status).toBe(201);
    expect((await register('b@example.com', PASSWORD)).status).toBe(201);
    // A weak password would be 400 if it were looked at: 429 first.
    const flooded = await register('c@example.com', 'weak');
    expect(flooded.status).toBe(429);
    expect(Number(flooded.headers['retry-after'])).toBeGreaterThan(0);
    expect((await register('c@example.com', PASSWORD, '192.0.2.2')).status).toBe(201);
    expect(users.count()).toBe(3);
  });
});

describe('smaller mends', () => {
  it('names apiKeys.pepper, and the command that makes one, when it is missing or weak', async () => {
    for (const pepper of [undefined, 'changeme'] as const) {
      const error = await authFixture({ apiKeys: { pepper: pepper as never } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^portcullis: apiKeys\.pepper: /);
      expect((error as Error).message).toContain("randomBytes(32).toString('base64url')");
    }
  });

  it('says an expired access token expired (RFC 6750), and reports every refusal to onEvent', async () => {
    const { auth, registerAndLogin, clock, events } = await authFixture();
    const { accessToken } = await registerAndLogin();
    clock.advance(15 * 60 + 6); // past exp and the 5-second tolerance
    const error = await auth
      .authenticate({ method: 'GET', url: '/me', headers: bearer(accessToken) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid_token',
      message: 'The access token expired',
      reason: 'expired',
    });
    const response = auth.errorResponse(error);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="portcullis", error="invalid_token", error_description="The access token expired"',
    );
    expect(events).toContainEqual({ type: 'token.refused', reason: 'expired' });
    // A forgery is never told "expired": its signature is checked first.
    const [h, p] = accessToken.split('.');
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(`${h}.${p}.${'A'.repeat(86)}`) }),
    ).rejects.toMatchObject({ message: 'Invalid token', reason: 'bad_signature' });
    expect(events).toContainEqual({ type: 'token.refused', reason: 'bad_signature' });
  });

  it('lets a user created with a mixed-case e-mail in the memory directory log in', async () => {
    const { call, users, auth } = await authFixture();
    const passwordHash = await auth.passwords.hash(PASSWORD);
    await users.create({ email: 'Mixed@Example.COM', passwordHash, role: 'user', emailVerified: true });
    const login = await call('POST', '/auth/login', {
      body: { email: 'mixed@example.com', password: PASSWORD },
    });
    expect(login.status).toBe(200);
  });
});

describe('a login the hashing queue turns away', () => {
  it('answers 503 with Retry-After and does not count as a failed guess', async () => {
    const { call, registerAndLogin } = await authFixture({
      passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 }, maxConcurrent: 1, maxQueued: 1 },
    });
    await registerAndLogin('alice@example.com');
    const wrong = (i: number) =>
      call('POST', '/auth/login', {
        body: { email: 'alice@example.com', password: `wrong guess number ${i}` },
      });
    const burst = await Promise.all(Array.from({ length: 5 }, (_, i) => wrong(i)));
    const statuses = burst.map((r) => r.status).sort();
    const busy = burst.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const reply of busy) expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    // Only the guesses that were checked count: exactly 5 failures in all before the 429.
    const checked = statuses.filter((s) => s === 401).length;
    const more: number[] = [];
    for (let i = 0; i < 6 - checked; i++) more.push((await wrong(100 + i)).status);
    expect(more).toEqual([...Array(5 - checked).fill(401), 429]);
  });
});
