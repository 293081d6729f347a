// The contract's "Accounts and e-mail" and "Mail" sections and their routes (v2), row by row, with the
// attacks they exist to stop: registered inside contract.test.ts's framework × storage matrix, so that they
// run against the same demo processes.
import { expect, it } from 'vitest';
import { type ContractTarget, contractSteps } from './contract-steps.js';
import { ACCESS, email, freshPassword, REFRESH, SID } from './fixtures.js';
import { expectContractMail } from './mail-expectations.js';
import { expectError } from './reply-expectations.js';

const UNKNOWN_TOKEN = 'A'.repeat(43);
const WEAK = 'password1234';

export function accountLifecycleTests(enabled: boolean, target: () => ContractTarget) {
  const test = it.skipIf(!enabled);
  const steps = () => contractSteps(target());

  test('POST /auth/verify-email → 200 {id,email,role,email_verified:true}; spent, unknown or malformed → 400 invalid_grant', async () => {
    const { http, password } = target();
    const { post, mail } = steps();
    const address = email('verify');
    const created = await post('/auth/register', { email: address, password });
    expect(created.status).toBe(201);
    const { token } = await mail(address, 'verify-email');

    const verified = await post('/auth/verify-email', { token });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.json).toEqual({
      id: created.json['id'],
      email: address,
      role: 'user',
      email_verified: true,
    });
    expect(verified.headers.get('cache-control')).toBe('no-store');
    expect(verified.setCookies).toEqual([]);

    expectError(await post('/auth/verify-email', { token }), 400, 'invalid_grant');
    for (const wrong of [UNKNOWN_TOKEN, 'not a token!', '', `${token}A`, token!.slice(0, -1)])
      expectError(await post('/auth/verify-email', { token: wrong }), 400, 'invalid_grant');
    for (const body of [{ token: 42 }, {}, [token]])
      expect((await post('/auth/verify-email', body)).status).toBe(400);

    const login = await post('/auth/login', { email: address, password });
    const me = await http('GET', '/me', {
      headers: { authorization: `Bearer ${login.json['access_token']}` },
    });
    expect(me.json).toEqual({ id: created.json['id'], email: address, role: 'user', email_verified: true });
  });

  test('a verification token in the query string is refused (400 invalid_request) and not spent', async () => {
    const { post, mail } = steps();
    const address = email('query');
    await post('/auth/register', { email: address, password: target().password });
    const { token } = await mail(address, 'verify-email');
    expectError(await post(`/auth/verify-email?token=${token}`, { token }), 400, 'invalid_request');
    expect((await post('/auth/verify-email', { token })).status).toBe(200);
  });

  test('POST /auth/verify-email/resend → 202 and a new mail; the previous link stops working; CSRF rule for cookies', async () => {
    const { origin } = target();
    const { post, mail, signIn } = steps();
    const user = await signIn(email('resend'));
    const first = await mail(user.email, 'verify-email');

    expectError(await post('/auth/verify-email/resend'), 401, 'invalid_request');
    const byCookie = { cookie: `${ACCESS}=${user.accessCookie}` };
    expectError(await post('/auth/verify-email/resend', undefined, byCookie), 403, 'csrf_failed');
    const resent = await post('/auth/verify-email/resend', undefined, user.bearer);
    expect(resent.status, resent.text).toBe(202);
    expect(resent.headers.get('cache-control')).toBe('no-store');
    const second = await mail(user.email, 'verify-email', 2);
    expect(second.token).not.toBe(first.token);
    // The refused cookie request sent nothing: exactly two verification mails so far.
    expect(await target().app.outbox.waitFor(user.email, { kind: 'verify-email' })).toHaveLength(2);

    expectError(await post('/auth/verify-email', { token: first.token }), 400, 'invalid_grant');
    expect((await post('/auth/verify-email', { token: second.token })).status).toBe(200);
    expect((await post('/auth/verify-email/resend', undefined, { ...byCookie, origin })).status).toBe(202);
  });

  test('POST /auth/verify-email/resend → 429 rate_limited past 5 an hour per account', async () => {
    const { post, signIn } = steps();
    const user = await signIn(email('resend-limit'));
    for (let i = 0; i < 5; i++)
      expect((await post('/auth/verify-email/resend', undefined, user.bearer)).status).toBe(202);
    expectError(await post('/auth/verify-email/resend', undefined, user.bearer), 429, 'rate_limited');
    // Per account: another account of the same client is not held back.
    const other = await signIn(email('resend-limit'));
    expect((await post('/auth/verify-email/resend', undefined, other.bearer)).status).toBe(202);
  });

  test('POST /auth/password/forgot → the same 202 {} for a known and an unknown e-mail; a reset mail for the known one only', async () => {
    const { app } = target();
    const { mail, signIn, newClient } = steps();
    const known = await signIn(email('forgot'));
    const unknown = email('nobody');
    const client = newClient();
    const forUnknown = await client('POST', '/auth/password/forgot', { body: { email: unknown } });
    const forKnown = await client('POST', '/auth/password/forgot', { body: { email: known.email } });
    for (const reply of [forUnknown, forKnown]) {
      expect(reply.status).toBe(202);
      expect(reply.json).toEqual({});
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.setCookies).toEqual([]);
    }
    expect(forUnknown.text).toBe(forKnown.text);
    expect(forUnknown.headers.get('content-type')).toBe(forKnown.headers.get('content-type'));
    await mail(known.email, 'reset-password');
    // Mail is sent after the answer: the known one's has arrived, and none for the e-mail asked about first.
    expect((await app.outbox.all()).filter((m) => m.to === unknown)).toEqual([]);

    expectError(
      await client('POST', '/auth/password/forgot', { body: { email: 42 } }),
      400,
      'invalid_request',
    );
    expectError(await client('POST', '/auth/password/forgot', { body: {} }), 400, 'invalid_request');
  });

  test('POST /auth/password/forgot → 429 rate_limited past 5 an hour per e-mail, and per client address', async () => {
    const { mail, signIn, newClient } = steps();
    const known = await signIn(email('forgot-limit'));
    // Per e-mail, from six different clients.
    for (let i = 0; i < 5; i++)
      expect(
        (await newClient()('POST', '/auth/password/forgot', { body: { email: known.email } })).status,
      ).toBe(202);
    expectError(
      await newClient()('POST', '/auth/password/forgot', { body: { email: known.email } }),
      429,
      'rate_limited',
    );
    await mail(known.email, 'reset-password', 5);
    // Per address, over six different (unknown) e-mails: unknown ones count too.
    const client = newClient();
    for (let i = 0; i < 5; i++)
      expect(
        (await client('POST', '/auth/password/forgot', { body: { email: email('someone') } })).status,
      ).toBe(202);
    expectError(
      await client('POST', '/auth/password/forgot', { body: { email: email('someone') } }),
      429,
      'rate_limited',
    );
  });

  test('POST /auth/password/reset → 204: every session, refresh family and access token revoked, a notice, the new password works; a replay → 400 invalid_grant', async () => {
    const { http } = target();
    const { post, mail, signIn, login, newClient } = steps();
    const user = await signIn(email('reset'), { verified: true });
    const other = await login(user.email);
    const session = await post('/auth/session', { email: user.email, password: user.password });
    const sid = session.cookie(SID)!;
    const key = (await post('/api-keys', { name: 'kept', scopes: ['reports:read'] }, user.bearer)).json[
      'key'
    ] as string;

    expect((await newClient()('POST', '/auth/password/forgot', { body: { email: user.email } })).status).toBe(
      202,
    );
    const { token } = await mail(user.email, 'reset-password');
    const newPassword = freshPassword('after reset');

    const reset = await post('/auth/password/reset', { token, password: newPassword });
    expect(reset.status, reset.text).toBe(204);
    expect(reset.headers.get('cache-control')).toBe('no-store');
    expectError(
      await post('/auth/password/reset', { token, password: freshPassword() }),
      400,
      'invalid_grant',
    );

    expectError(
      await post('/auth/login', { email: user.email, password: user.password }),
      401,
      'invalid_credentials',
    );
    for (const signedIn of [user, other]) {
      expectError(await http('GET', '/me', { headers: signedIn.bearer }), 401, 'invalid_token');
      expectError(await post('/auth/refresh', { refresh_token: signedIn.refresh }), 401, 'invalid_grant');
      expect(
        (await http('GET', '/me', { headers: { cookie: `${ACCESS}=${signedIn.accessCookie}` } })).status,
      ).toBe(401);
    }
    expect((await http('GET', '/me', { headers: { cookie: `${SID}=${sid}` } })).status).toBe(401);
    // API keys are kept, and counted in the notice.
    expect((await http('GET', '/service/reports', { headers: { 'x-api-key': key } })).status).toBe(200);
    expect((await mail(user.email, 'notice')).text).toMatch(/\b1 API key\b/);

    const again = await login(user.email, newPassword);
    expect((await http('GET', '/me', { headers: again.bearer })).json['email_verified']).toBe(true);
  });

  test('POST /auth/password/reset: a weak password → 400 weak_password and the token still works; malformed bodies → 400', async () => {
    const { post, mail, signIn, login, newClient } = steps();
    const user = await signIn(email('reset-weak'), { verified: true });
    await newClient()('POST', '/auth/password/forgot', { body: { email: user.email } });
    const { token } = await mail(user.email, 'reset-password');
    for (const weak of [WEAK, 'elevenchars', 'x'.repeat(129)])
      expectError(await post('/auth/password/reset', { token, password: weak }), 400, 'weak_password');
    expect((await post('/auth/password/reset', { token, password: 42 })).status).toBe(400);
    expectError(
      await post('/auth/password/reset', { token: UNKNOWN_TOKEN, password: freshPassword() }),
      400,
      'invalid_grant',
    );
    expectError(
      await post('/auth/password/reset', { token: 'short', password: freshPassword() }),
      400,
      'invalid_grant',
    );
    const newPassword = freshPassword('after weak');
    expect((await post('/auth/password/reset', { token, password: newPassword })).status).toBe(204);
    await login(user.email, newPassword);
  });

  test('a verification token is no reset token, and a reset token no verification token (neither is spent by trying)', async () => {
    const { post, mail, signIn, newClient } = steps();
    const user = await signIn(email('purpose'));
    const verification = (await mail(user.email, 'verify-email')).token;
    await newClient()('POST', '/auth/password/forgot', { body: { email: user.email } });
    const reset = (await mail(user.email, 'reset-password')).token;
    expectError(
      await post('/auth/password/reset', { token: verification, password: freshPassword() }),
      400,
      'invalid_grant',
    );
    expectError(await post('/auth/verify-email', { token: reset }), 400, 'invalid_grant');
    expect((await post('/auth/verify-email', { token: verification })).status).toBe(200);
    expect((await post('/auth/password/reset', { token: reset, password: freshPassword() })).status).toBe(
      204,
    );
  });

  test('POST /auth/password/change → 200 like login with fresh cookies; every other session and refresh family revoked; a notice', async () => {
    const { http } = target();
    const { post, mail, signIn, login } = steps();
    const user = await signIn(email('change'), { verified: true });
    const other = await login(user.email);
    const sid = (await post('/auth/session', { email: user.email, password: user.password })).cookie(SID)!;
    const newPassword = freshPassword('after change');

    const byCookie = { cookie: `${ACCESS}=${user.accessCookie}` };
    const body = { current_password: user.password, new_password: newPassword };
    expectError(await post('/auth/password/change', body, byCookie), 403, 'csrf_failed');
    expectError(await post('/auth/password/change', body), 401, 'invalid_request');

    const changed = await post('/auth/password/change', body, user.bearer);
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(changed.headers.get('cache-control')).toBe('no-store');
    const freshAccess = changed.cookie(ACCESS);
    const freshRefresh = changed.cookie(REFRESH);
    expect(freshAccess).toBeDefined();
    expect(freshRefresh).toBeDefined();

    const bearer = { authorization: `Bearer ${changed.json['access_token']}` };
    expect((await http('GET', '/me', { headers: bearer })).json['id']).toBe(user.id);
    expect((await http('GET', '/me', { headers: { cookie: `${ACCESS}=${freshAccess}` } })).status).toBe(200);
    expectError(await http('GET', '/me', { headers: other.bearer }), 401, 'invalid_token');
    for (const refresh of [user.refresh, other.refresh])
      expectError(await post('/auth/refresh', { refresh_token: refresh }), 401, 'invalid_grant');
    expect((await http('GET', '/me', { headers: { cookie: `${SID}=${sid}` } })).status).toBe(401);
    expect((await post('/auth/refresh', { refresh_token: freshRefresh })).status).toBe(200);

    expectError(
      await post('/auth/login', { email: user.email, password: user.password }),
      401,
      'invalid_credentials',
    );
    await login(user.email, newPassword);
    await mail(user.email, 'notice');
  });

  test('POST /auth/password/change: a wrong current password → 401 invalid_credentials and changes nothing; a weak one → 400 weak_password', async () => {
    const { http } = target();
    const { post, signIn, login } = steps();
    const user = await signIn(email('change-wrong'));
    const newPassword = freshPassword();
    expectError(
      await post(
        '/auth/password/change',
        { current_password: freshPassword('wrong'), new_password: newPassword },
        user.bearer,
      ),
      401,
      'invalid_credentials',
    );
    expectError(
      await post(
        '/auth/password/change',
        { current_password: user.password, new_password: WEAK },
        user.bearer,
      ),
      400,
      'weak_password',
    );
    expect(
      (await post('/auth/password/change', { current_password: user.password }, user.bearer)).status,
    ).toBe(400);
    expect((await http('GET', '/me', { headers: user.bearer })).status).toBe(200);
    await login(user.email, user.password);
  });

  test('POST /auth/password/change: a wrong current password counts as a failed login', async () => {
    const { post, signIn } = steps();
    const user = await signIn(email('change-throttle'));
    for (let i = 0; i < 5; i++) {
      const wrong = { current_password: freshPassword(`wrong ${i}`), new_password: freshPassword() };
      expectError(await post('/auth/password/change', wrong, user.bearer), 401, 'invalid_credentials');
    }
    expectError(
      await post('/auth/login', { email: user.email, password: user.password }),
      429,
      'rate_limited',
    );
  });

  test('attack: registering an ADMIN_EMAILS address first gives role user and 403 until the owner follows the mailed link', async () => {
    const { http, password } = target();
    const { post, verify, login } = steps();
    const address = `first-${target().admin}`;
    const created = await post('/auth/register', { email: address, password });
    expect(created.json).toEqual({
      id: expect.any(String),
      email: address,
      role: 'user',
      email_verified: false,
    });
    const before = await login(address);
    const session = {
      cookie: `${SID}=${(await post('/auth/session', { email: address, password })).cookie(SID)}`,
    };
    expect((await http('GET', '/me', { headers: before.bearer })).json['role']).toBe('user');
    expectError(await http('GET', '/admin/stats', { headers: before.bearer }), 403, 'insufficient_scope');
    expectError(await http('GET', '/admin/stats', { headers: session }), 403, 'insufficient_scope');

    const verified = await verify(address);
    expect(verified.json).toEqual({
      id: created.json['id'],
      email: address,
      role: 'admin',
      email_verified: true,
    });
    const after = await login(address);
    expect((await http('GET', '/admin/stats', { headers: after.bearer })).status).toBe(200);
    // A session and a refresh family from before the role change get the new role at their next use; an
    // access token keeps the role it was issued with.
    expectError(await http('GET', '/admin/stats', { headers: before.bearer }), 403, 'insufficient_scope');
    expect((await http('GET', '/admin/stats', { headers: session })).status).toBe(200);
    const refreshed = await post('/auth/refresh', { refresh_token: before.refresh });
    expect(refreshed.status).toBe(200);
    const stats = await http('GET', '/admin/stats', {
      headers: { authorization: `Bearer ${refreshed.json['access_token']}` },
    });
    expect(stats.status).toBe(200);
  });

  test('attack: an API key may carry only the scopes the caller’s role grants; an unknown scope → 400', async () => {
    const { post, signIn, adminSignIn } = steps();
    const user = await signIn(email('scopes'));
    for (const scopes of [['admin:everything'], ['reports:read', 'admin:everything'], ['*'], ['reports:*']])
      expectError(await post('/api-keys', { name: 'greedy', scopes }, user.bearer), 400, 'invalid_request');
    // Role user grants both of the demo's scopes (the contract says so): a 403 cannot arise in the demo.
    const both = await post(
      '/api-keys',
      { name: 'both', scopes: ['reports:read', 'reports:write'] },
      user.bearer,
    );
    expect(both.status, both.text).toBe(201);
    const admin = await adminSignIn();
    expectError(
      await post('/api-keys', { name: 'greedy', scopes: ['admin:everything'] }, admin.bearer),
      400,
      'invalid_request',
    );
  });

  test('every mail in the outbox: from MAIL_FROM, text and HTML, no secret, a token only in a link fragment', async () => {
    const { app, origin, mailFrom } = target();
    const mails = await app.outbox.all();
    expect(mails.length).toBeGreaterThan(10);
    for (const mail of mails)
      expectContractMail(mail, { to: mail.to, kind: mail.kind, from: mailFrom, origin });
    expect(new Set(mails.map((m) => m.kind))).toEqual(new Set(['verify-email', 'reset-password', 'notice']));
  });
}
