import { describe, expect, it, vi } from 'vitest';
import { authFixture, bearer, cookieHeader, ORIGIN, PASSWORD } from '../../testing/auth.js';

const NEW_PASSWORD = 'a brand new passphrase, nine words';
const SID = '__Host-portcullis-sid';

async function forgot(fixture: Awaited<ReturnType<typeof authFixture>>, email: string, ip = '127.0.0.1') {
  return fixture.call('POST', '/auth/password/forgot', { body: { email }, ip });
}

/** The reset token mailed to `email`, once the mail (sent after the answer) has arrived. */
async function resetToken(fixture: Awaited<ReturnType<typeof authFixture>>, email: string) {
  await vi.waitFor(() => expect(fixture.mailer.linkToken(email, 'reset_password')).toBeDefined());
  return fixture.mailer.linkToken(email, 'reset_password')!;
}

describe('POST /auth/password/forgot', () => {
  it('answers 202 {} for a known and an unknown e-mail alike, and mails only the known one', async () => {
    const fixture = await authFixture();
    await fixture.registerAndLogin('alice@example.com');
    const unknown = await forgot(fixture, 'nobody@example.com');
    const known = await forgot(fixture, 'alice@example.com');
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(unknown.body).toEqual({});
    expect(unknown.body).toEqual(known.body);
    expect(unknown.headers).toEqual(known.headers);
    const token = await resetToken(fixture, 'alice@example.com');
    const reset = fixture.mailer.messages.filter((m) => m.kind === 'reset_password');
    expect(reset.map((m) => m.to)).toEqual(['alice@example.com']);
    expect(reset[0]!.text).toContain(`${ORIGIN}/#reset-password=${token}`);
  });

  it('answers before the token and the mail are made (the answer cannot wait on them)', async () => {
    const fixture = await authFixture();
    await fixture.registerAndLogin('alice@example.com');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const send = fixture.mailer.send;
    fixture.mailer.send = async (message) => {
      await gate;
      return send(message);
    };
    // Resolves although the mailer has not finished (it waits for the gate).
    expect((await forgot(fixture, 'alice@example.com')).status).toBe(202);
    release();
    await resetToken(fixture, 'alice@example.com');
  });

  it('limits requests per address and per e-mail: 429 past 5 an hour', async () => {
    const fixture = await authFixture();
    for (let i = 0; i < 5; i++)
      expect((await forgot(fixture, `user${i}@example.com`, '10.0.0.1')).status).toBe(202);
    expect((await forgot(fixture, 'user9@example.com', '10.0.0.1')).status).toBe(429);
    for (let i = 0; i < 5; i++)
      expect((await forgot(fixture, 'target@example.com', `10.0.1.${i}`)).status).toBe(202);
    const limited = await forgot(fixture, ' Target@Example.com', '10.0.2.1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses a malformed e-mail with 400', async () => {
    const fixture = await authFixture();
    expect((await forgot(fixture, 'not an address')).status).toBe(400);
    expect((await fixture.call('POST', '/auth/password/forgot', { body: { email: 42 } })).status).toBe(400);
  });
});

describe('POST /auth/password/reset', () => {
  it('replaces the password and ends every session, refresh family and access token; a replay is 400', async () => {
    const fixture = await authFixture();
    const { call, auth } = fixture;
    const alice = await fixture.registerAndLogin('alice@example.com', PASSWORD, { verified: true });
    const session = await call('POST', '/auth/session', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const sid = session.cookie(SID)!;
    await forgot(fixture, 'alice@example.com');
    const token = await resetToken(fixture, 'alice@example.com');

    const reset = await call('POST', '/auth/password/reset', { body: { token, password: NEW_PASSWORD } });
    expect(reset.status).toBe(204);
    expect(fixture.events).toContainEqual({ type: 'password.reset', subject: alice.id });
    expect(
      (await call('POST', '/auth/login', { body: { email: 'alice@example.com', password: PASSWORD } }))
        .status,
    ).toBe(401);
    expect(
      (await call('POST', '/auth/login', { body: { email: 'alice@example.com', password: NEW_PASSWORD } }))
        .status,
    ).toBe(200);
    expect(
      (await call('POST', '/auth/refresh', { body: { refresh_token: alice.refreshToken } })).status,
    ).toBe(401);
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(alice.accessToken) }),
    ).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: cookieHeader({ [SID]: sid }) }),
    ).rejects.toMatchObject({ code: 'invalid_token' });

    const replay = await call('POST', '/auth/password/reset', {
      body: { token, password: `${NEW_PASSWORD}!` },
    });
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid or expired link' });
  });

  it('mails a notice that counts the API keys, which a verified account keeps', async () => {
    const fixture = await authFixture();
    const alice = await fixture.registerAndLogin('alice@example.com', PASSWORD, { verified: true });
    const created = await fixture.call('POST', '/api-keys', {
      body: { name: 'ci', scopes: ['reports:read'] },
      headers: bearer(alice.accessToken),
    });
    await forgot(fixture, 'alice@example.com');
    const token = await resetToken(fixture, 'alice@example.com');
    await fixture.call('POST', '/auth/password/reset', { body: { token, password: NEW_PASSWORD } });
    const notice = fixture.mailer.messages.find((m) => m.kind === 'password_changed')!;
    expect(notice.to).toBe('alice@example.com');
    expect(notice.text).toContain('was reset');
    expect(notice.text).toContain('1 API key');
    expect(JSON.stringify(notice)).not.toContain(NEW_PASSWORD);
    await expect(fixture.auth.apiKeys.verify((created.body as { key: string }).key)).resolves.toBeDefined();
  });

  it('refuses a weak password with 400 weak_password and leaves the token usable', async () => {
    const fixture = await authFixture();
    await fixture.registerAndLogin('alice@example.com');
    await forgot(fixture, 'alice@example.com');
    const token = await resetToken(fixture, 'alice@example.com');
    for (const weak of ['elevenchars', 'password1234']) {
      const refused = await fixture.call('POST', '/auth/password/reset', { body: { token, password: weak } });
      expect(refused.status).toBe(400);
      expect((refused.body as { error: string }).error).toBe('weak_password');
    }
    expect(
      (await fixture.call('POST', '/auth/password/reset', { body: { token, password: NEW_PASSWORD } }))
        .status,
    ).toBe(204);
  });

  it('expires a reset link after 30 minutes; a newer request replaces the older link', async () => {
    const fixture = await authFixture();
    await fixture.registerAndLogin('alice@example.com');
    await forgot(fixture, 'alice@example.com');
    const first = await resetToken(fixture, 'alice@example.com');
    await forgot(fixture, 'alice@example.com');
    await vi.waitFor(() =>
      expect(fixture.mailer.linkToken('alice@example.com', 'reset_password')).not.toBe(first),
    );
    const second = fixture.mailer.linkToken('alice@example.com', 'reset_password')!;
    expect(
      (await fixture.call('POST', '/auth/password/reset', { body: { token: first, password: NEW_PASSWORD } }))
        .status,
    ).toBe(400);
    fixture.clock.advance(30 * 60 + 1);
    expect(
      (
        await fixture.call('POST', '/auth/password/reset', {
          body: { token: second, password: NEW_PASSWORD },
        })
      ).status,
    ).toBe(400);
  });

  it('a verification token is no reset token, nor the other way round', async () => {
    const fixture = await authFixture();
    await fixture.registerAndLogin('alice@example.com');
    const verification = fixture.mailer.linkToken('alice@example.com', 'verify_email')!;
    expect(
      (
        await fixture.call('POST', '/auth/password/reset', {
          body: { token: verification, password: NEW_PASSWORD },
        })
      ).status,
    ).toBe(400);
    await forgot(fixture, 'alice@example.com');
    const reset = await resetToken(fixture, 'alice@example.com');
    expect((await fixture.call('POST', '/auth/verify-email', { body: { token: reset } })).status).toBe(400);
    // Neither was spent by the wrong route.
    expect((await fixture.call('POST', '/auth/verify-email', { body: { token: verification } })).status).toBe(
      200,
    );
    expect(
      (await fixture.call('POST', '/auth/password/reset', { body: { token: reset, password: NEW_PASSWORD } }))
        .status,
    ).toBe(204);
  });

  it('resetting an unverified account verifies it and ends what its previous holder left, API keys included', async () => {
    const fixture = await authFixture();
    // Someone registered alice's address first and made a key; alice uses "forgot password".
    const squatter = await fixture.registerAndLogin('admin@example.com');
    const key = (
      await fixture.call('POST', '/api-keys', {
        body: { name: 'stash', scopes: ['reports:read'] },
        headers: bearer(squatter.accessToken),
      })
    ).body as { key: string };
    await forgot(fixture, 'admin@example.com');
    const token = await resetToken(fixture, 'admin@example.com');
    expect(
      (await fixture.call('POST', '/auth/password/reset', { body: { token, password: NEW_PASSWORD } }))
        .status,
    ).toBe(204);
    await expect(fixture.auth.apiKeys.verify(key.key)).rejects.toMatchObject({ reason: 'revoked' });
    expect(await fixture.users.findById(squatter.id)).toMatchObject({ emailVerified: true, role: 'admin' });
    // The squatter's verification link is dead too.
    const verification = fixture.mailer.linkToken('admin@example.com', 'verify_email')!;
    expect((await fixture.call('POST', '/auth/verify-email', { body: { token: verification } })).status).toBe(
      400,
    );
  });

  it('spends a reset token once under 10 concurrent requests', async () => {
    const fixture = await authFixture();
    await fixture.registerAndLogin('alice@example.com');
    await forgot(fixture, 'alice@example.com');
    const token = await resetToken(fixture, 'alice@example.com');
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fixture.call('POST', '/auth/password/reset', { body: { token, password: `${NEW_PASSWORD} ${i}` } }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([204, ...Array(9).fill(400)]);
  });
});

describe('POST /auth/password/change', () => {
  it('answers like login with fresh tokens; every other session and family is revoked; a notice is mailed', async () => {
    const fixture = await authFixture();
    const { call, auth } = fixture;
    const here = await fixture.registerAndLogin('alice@example.com');
    const elsewhere = await call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const changed = await call('POST', '/auth/password/change', {
      headers: bearer(here.accessToken),
      body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    const fresh = (changed.body as { access_token: string }).access_token;
    await expect(
      auth.authenticate({ method: 'GET', url: '/me', headers: bearer(fresh) }),
    ).resolves.toBeDefined();
    expect(
      (
        await call('POST', '/auth/refresh', {
          body: { refresh_token: changed.cookie('__Host-portcullis-refresh')! },
        })
      ).status,
    ).toBe(200);
    for (const token of [here.accessToken, (elsewhere.body as { access_token: string }).access_token])
      await expect(
        auth.authenticate({ method: 'GET', url: '/me', headers: bearer(token) }),
      ).rejects.toMatchObject({ code: 'invalid_token' });
    for (const refresh of [here.refreshToken, elsewhere.cookie('__Host-portcullis-refresh')!])
      expect((await call('POST', '/auth/refresh', { body: { refresh_token: refresh } })).status).toBe(401);
    expect(fixture.mailer.messages.find((m) => m.kind === 'password_changed')?.text).toContain('was changed');
    expect(
      (await call('POST', '/auth/login', { body: { email: 'alice@example.com', password: NEW_PASSWORD } }))
        .status,
    ).toBe(200);
  });

  it('ends a reset link mailed before the change', async () => {
    const fixture = await authFixture();
    const alice = await fixture.registerAndLogin('alice@example.com');
    await forgot(fixture, 'alice@example.com');
    const token = await resetToken(fixture, 'alice@example.com');
    const changed = await fixture.call('POST', '/auth/password/change', {
      headers: bearer(alice.accessToken),
      body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(changed.status).toBe(200);
    const reset = await fixture.call('POST', '/auth/password/reset', {
      body: { token, password: `${NEW_PASSWORD}!` },
    });
    expect(reset.status).toBe(400);
  });

  it('gives a session caller a fresh session id, and the CSRF rule applies to cookies', async () => {
    const fixture = await authFixture();
    await fixture.registerAndLogin('alice@example.com');
    const session = await fixture.call('POST', '/auth/session', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const sid = session.cookie(SID)!;
    const body = { current_password: PASSWORD, new_password: NEW_PASSWORD };
    const forged = await fixture.call('POST', '/auth/password/change', {
      headers: cookieHeader({ [SID]: sid }),
      body,
    });
    expect(forged.status).toBe(403);
    const changed = await fixture.call('POST', '/auth/password/change', {
      headers: { ...cookieHeader({ [SID]: sid }), origin: ORIGIN },
      body,
    });
    expect(changed.status).toBe(200);
    const next = changed.cookie(SID)!;
    expect(next).not.toBe(sid);
    await expect(
      fixture.auth.authenticate({ method: 'GET', url: '/me', headers: cookieHeader({ [SID]: sid }) }),
    ).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(
      fixture.auth.authenticate({ method: 'GET', url: '/me', headers: cookieHeader({ [SID]: next }) }),
    ).resolves.toMatchObject({ method: 'session' });
  });

  it('refuses a wrong current password with 401 counted as a failed login (429 after 5), and a weak new one with 400', async () => {
    const fixture = await authFixture();
    const alice = await fixture.registerAndLogin('alice@example.com');
    const change = (current: string, next = NEW_PASSWORD) =>
      fixture.call('POST', '/auth/password/change', {
        headers: bearer(alice.accessToken),
        body: { current_password: current, new_password: next },
      });
    expect((await change(PASSWORD, 'elevenchars')).status).toBe(400);
    for (let i = 0; i < 5; i++) {
      const wrong = await change(`wrong password number ${i}`);
      expect(wrong.status).toBe(401);
      expect((wrong.body as { error: string }).error).toBe('invalid_credentials');
    }
    expect((await change(PASSWORD)).status).toBe(429);
    expect(
      (
        await fixture.call('POST', '/auth/login', {
          body: { email: 'alice@example.com', password: PASSWORD },
        })
      ).status,
    ).toBe(429);
  });

  it('needs a signed-in caller', async () => {
    const fixture = await authFixture();
    const anonymous = await fixture.call('POST', '/auth/password/change', {
      body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(anonymous.status).toBe(401);
  });

  it('loses to an account takeover that lands between its check and its write (compare-and-set)', async () => {
    const fixture = await authFixture();
    const alice = await fixture.registerAndLogin('alice@example.com');
    const findById = fixture.users.findById;
    // The takeover (here: the application removing the password) lands right after the change read the user.
    fixture.users.findById = async (id) => {
      const user = await findById(id);
      await fixture.users.update(alice.id, { passwordHash: null, emailVerified: true });
      return user;
    };
    const raced = await fixture.call('POST', '/auth/password/change', {
      headers: bearer(alice.accessToken),
      body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(raced.status).toBe(401);
    expect(raced.cookies).toEqual([]);
    expect((await fixture.users.findById(alice.id))?.passwordHash).toBeNull();
  });
});
