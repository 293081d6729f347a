import { describe, expect, it } from 'vitest';
import { authFixture, bearer, PASSWORD } from '../../testing/auth.js';

describe('POST /auth/verify-email', () => {
  it('verifies once with the mailed token; a replay, an unknown and a malformed token get 400 invalid_grant', async () => {
    const { call, mailer, events } = await authFixture();
    const registered = await call('POST', '/auth/register', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const token = mailer.linkToken('alice@example.com', 'verify_email')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const verified = await call('POST', '/auth/verify-email', { body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.headers['cache-control']).toBe('no-store');
    expect(verified.body).toEqual({
      id: (registered.body as { id: string }).id,
      email: 'alice@example.com',
      role: 'user',
      email_verified: true,
    });
    expect(events).toContainEqual({ type: 'user.verified', subject: (registered.body as { id: string }).id });
    for (const body of [{ token }, { token: 'A'.repeat(43) }, { token: 'short' }, { token: 42 }, {}]) {
      const refused = await call('POST', '/auth/verify-email', { body });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid or expired link' });
    }
  });

  it('grants the roleFor role at verification, never at registration (admin by registering first)', async () => {
    const { call, registerAndLogin, verify, auth } = await authFixture();
    const squatter = await registerAndLogin('admin@example.com');
    expect((await auth.verifier.verify(squatter.accessToken)).roles).toEqual(['user']);
    const rotate = await call('POST', '/admin/keys/rotate', { headers: bearer(squatter.accessToken) });
    expect(rotate.status).toBe(403);
    expect((await verify('admin@example.com')).body).toMatchObject({ role: 'admin' });
    const login = await call('POST', '/auth/login', {
      body: { email: 'admin@example.com', password: PASSWORD },
    });
    const token = (login.body as { access_token: string }).access_token;
    expect((await call('POST', '/admin/keys/rotate', { headers: bearer(token) })).status).toBe(200);
  });

  it('expires a verification link after 24 hours', async () => {
    const { call, mailer, clock } = await authFixture();
    await call('POST', '/auth/register', { body: { email: 'alice@example.com', password: PASSWORD } });
    const token = mailer.linkToken('alice@example.com', 'verify_email')!;
    clock.advance(24 * 3600 + 1);
    expect((await call('POST', '/auth/verify-email', { body: { token } })).status).toBe(400);
  });

  it('spends a token once under 20 concurrent requests', async () => {
    const { call, mailer, events } = await authFixture();
    await call('POST', '/auth/register', { body: { email: 'alice@example.com', password: PASSWORD } });
    const token = mailer.linkToken('alice@example.com', 'verify_email')!;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/auth/verify-email', { body: { token } })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 400)).toHaveLength(19);
    expect(events.filter((e) => (e as { type: string }).type === 'user.verified')).toHaveLength(1);
  });

  it('never grants a role again to an account verified before (a role the app changed stays)', async () => {
    const { call, mailer, users, verify } = await authFixture();
    const { id } = (
      await call('POST', '/auth/register', { body: { email: 'admin@example.com', password: PASSWORD } })
    ).body as { id: string };
    const first = mailer.linkToken('admin@example.com', 'verify_email')!;
    await verify('admin@example.com');
    await users.update(id, { role: 'user' }); // demoted by the application
    // Even a link that was still live (issued before) cannot promote again: it is spent, and verified stays verified.
    expect((await call('POST', '/auth/verify-email', { body: { token: first } })).status).toBe(400);
    expect((await users.findById(id))?.role).toBe('user');
  });
});

describe('POST /auth/verify-email/resend', () => {
  it('mails a new link and the previous one stops working; 429 after 5 an hour', async () => {
    const { call, mailer, registerAndLogin } = await authFixture();
    const alice = await registerAndLogin('alice@example.com');
    const first = mailer.linkToken('alice@example.com', 'verify_email')!;
    const resent = await call('POST', '/auth/verify-email/resend', { headers: bearer(alice.accessToken) });
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({});
    const second = mailer.linkToken('alice@example.com', 'verify_email')!;
    expect(second).not.toBe(first);
    expect((await call('POST', '/auth/verify-email', { body: { token: first } })).status).toBe(400);
    expect((await call('POST', '/auth/verify-email', { body: { token: second } })).status).toBe(200);

    const bob = await registerAndLogin('bob@example.com');
    for (let i = 0; i < 5; i++)
      expect(
        (await call('POST', '/auth/verify-email/resend', { headers: bearer(bob.accessToken) })).status,
      ).toBe(202);
    const limited = await call('POST', '/auth/verify-email/resend', { headers: bearer(bob.accessToken) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('needs a signed-in caller, answers a verified account with 202 and no mail, and a mail failure with 503', async () => {
    const { call, mailer, registerAndLogin } = await authFixture();
    expect((await call('POST', '/auth/verify-email/resend')).status).toBe(401);
    const alice = await registerAndLogin('alice@example.com', PASSWORD, { verified: true });
    const before = mailer.messages.length;
    expect(
      (await call('POST', '/auth/verify-email/resend', { headers: bearer(alice.accessToken) })).status,
    ).toBe(202);
    expect(mailer.messages.length).toBe(before);

    const bob = await registerAndLogin('bob@example.com');
    mailer.failing = true;
    const failed = await call('POST', '/auth/verify-email/resend', { headers: bearer(bob.accessToken) });
    expect(failed.status).toBe(503);
    expect(JSON.stringify(failed.body)).not.toContain('ECONNREFUSED');
  });
});

describe('registration and mail', () => {
  it('mails a verification link whose token is only in the fragment, and no password or token', async () => {
    const { call, mailer } = await authFixture();
    await call('POST', '/auth/register', { body: { email: 'alice@example.com', password: PASSWORD } });
    const login = await call('POST', '/auth/login', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    const [message] = mailer.messages;
    expect(message).toMatchObject({ to: 'alice@example.com', kind: 'verify_email' });
    const token = mailer.linkToken('alice@example.com', 'verify_email')!;
    expect(message!.text).toContain(`http://127.0.0.1:3000/#verify-email=${token}`);
    expect(message!.html).toContain(`href="http://127.0.0.1:3000/#verify-email=${token}"`);
    expect(message!.text).not.toMatch(/\?[^\s]*token/);
    for (const secret of [
      PASSWORD,
      (login.body as { access_token: string }).access_token,
      login.cookie('__Host-portcullis-refresh')!,
    ])
      expect(JSON.stringify(message)).not.toContain(secret);
  });

  it('still creates the account when the mail fails (the user can resend), and says so in an event', async () => {
    const { call, mailer, events, users } = await authFixture();
    mailer.failing = true;
    const created = await call('POST', '/auth/register', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    expect(created.status).toBe(201);
    expect(users.count()).toBe(1);
    expect(events).toContainEqual({ type: 'mail.failed', kind: 'verify_email', subject: '1', name: 'Error' });
  });

  it('is closed by default: 404 not_found as for an unknown route, and no account', async () => {
    const { call, users } = await authFixture({ registration: undefined });
    const closed = await call('POST', '/auth/register', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    expect(closed.status).toBe(404);
    expect(closed.body).toEqual({ error: 'not_found', error_description: 'Not found' });
    expect(users.count()).toBe(0);
  });

  it('refuses open registration without a mailer, and a bad registration value, at start-up', async () => {
    await expect(authFixture({ registration: 'open', mail: undefined })).rejects.toThrow(/mail/);
    await expect(authFixture({ registration: 'yes' as never })).rejects.toThrow(/registration/);
  });

  it('serves no route that mails a link when there is no mailer', async () => {
    const { call } = await authFixture({ registration: 'closed', mail: undefined });
    await expect(call('POST', '/auth/password/forgot', { body: { email: 'a@example.com' } })).rejects.toThrow(
      /no route/,
    );
    await expect(call('POST', '/auth/verify-email', { body: { token: 'x' } })).rejects.toThrow(/no route/);
  });
});
