import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { ACR_MFA, ACR_SINGLE_FACTOR } from '../../mfa/authentication-method.js';
import { authFixture, bearer, PASSWORD } from '../../testing/auth.js';

const EMAIL = 'alice@example.com';

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

async function enrolled() {
  const fixture = await authFixture();
  const { accessToken, id } = await fixture.registerAndLogin(EMAIL);
  const started = await fixture.call('POST', '/auth/mfa/totp', { headers: bearer(accessToken) });
  const secret = (started.body as { secret: string }).secret;
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  const codeAt = (offsetSeconds = 0) => totp.generate({ timestamp: fixture.clock() + offsetSeconds * 1000 });
  const confirmed = await fixture.call('POST', '/auth/mfa/totp/confirm', {
    headers: bearer(accessToken),
    body: { code: codeAt() },
  });
  const recoveryCodes = (confirmed.body as { recovery_codes: string[] }).recovery_codes;
  const passwordStep = async () => {
    const response = await fixture.call('POST', '/auth/login', {
      body: { email: EMAIL, password: PASSWORD },
    });
    return { response, mfaToken: (response.body as { mfa_token: string }).mfa_token };
  };
  return { ...fixture, id, accessToken, secret, codeAt, recoveryCodes, confirmed, passwordStep };
}

describe('TOTP enrolment', () => {
  it('shows a 160-bit secret, its otpauth URI and a QR code, and confirms with a first valid code', async () => {
    const f = await enrolled();
    expect(f.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(f.confirmed.status).toBe(200);
    expect(f.recoveryCodes).toHaveLength(10);
    expect(new Set(f.recoveryCodes).size).toBe(10);
    expect(f.events).toContainEqual({ type: 'mfa.enrolled', subject: f.id, method: 'totp' });
    const status = await f.call('GET', '/auth/mfa', { headers: bearer(f.accessToken) });
    expect(status.body).toMatchObject({ totp: true, passkeys: [], recovery_codes_left: 10 });
  });

  it('refuses a wrong first code and stays unenrolled: login still needs only the password', async () => {
    const f = await authFixture();
    const { accessToken } = await f.registerAndLogin(EMAIL);
    const started = await f.call('POST', '/auth/mfa/totp', { headers: bearer(accessToken) });
    expect((started.body as { qr_svg: string }).qr_svg.startsWith('<svg')).toBe(true);
    expect((started.body as { otpauth_uri: string }).otpauth_uri).toContain('otpauth://totp/');
    const wrong = await f.call('POST', '/auth/mfa/totp/confirm', {
      headers: bearer(accessToken),
      body: { code: '000000' },
    });
    expect([wrong.status, (wrong.body as { error: string }).error]).toEqual([400, 'invalid_grant']);
    const login = await f.call('POST', '/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.status).toBe(200);
  });

  it('stores the secret sealed, never in the clear', async () => {
    const f = await enrolled();
    const stored = await f.stores.mfa!.getFactors(f.id);
    expect(stored?.data).not.toContain(f.secret);
    expect(stored?.data).not.toContain(Buffer.from(Secret.fromBase32(f.secret).bytes).toString('base64url'));
    for (const code of f.recoveryCodes) expect(stored?.data).not.toContain(code);
  });
});

describe('login with a second factor', () => {
  it('answers the password step with 401 mfa_required and an mfa_token, and no token or cookie', async () => {
    const f = await enrolled();
    const { response, mfaToken } = await f.passwordStep();
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'mfa_required', mfa_methods: ['totp', 'recovery_code'] });
    expect(mfaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.cookies).toEqual([]);
    // The mfa_token is no credential.
    const me = await f.auth
      .authenticate({ method: 'GET', url: '/me', headers: bearer(mfaToken) })
      .catch((e) => e);
    expect(me.code).toBe('invalid_token');
    const session = await f.call('POST', '/auth/session', { body: { email: EMAIL, password: PASSWORD } });
    expect([session.status, session.cookies]).toEqual([401, []]);
  });

  it('finishes with a valid code: amr pwd+otp, acr mfa, auth_time now, and the device cookie', async () => {
    const f = await enrolled();
    f.clock.advance(30);
    const { mfaToken } = await f.passwordStep();
    const done = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: mfaToken, code: f.codeAt() },
    });
    expect(done.status).toBe(200);
    const claims = payloadOf((done.body as { access_token: string }).access_token);
    expect(claims).toMatchObject({
      amr: ['pwd', 'otp'],
      acr: ACR_MFA,
      auth_time: Math.floor(f.clock() / 1000),
    });
    expect(done.cookie('__Host-portcullis-device')).toBeTruthy();
    expect(f.events).toContainEqual({ type: 'mfa.verified', subject: f.id, method: 'totp' });
  });

  it('refuses a replayed code, even on a new mfa_token', async () => {
    const f = await enrolled();
    f.clock.advance(30);
    const code = f.codeAt();
    const first = await f.passwordStep();
    expect(
      (await f.call('POST', '/auth/mfa/verify', { body: { mfa_token: first.mfaToken, code } })).status,
    ).toBe(200);
    const second = await f.passwordStep();
    const replay = await f.call('POST', '/auth/mfa/verify', { body: { mfa_token: second.mfaToken, code } });
    expect([replay.status, (replay.body as { error: string }).error]).toEqual([401, 'invalid_credentials']);
  });

  it('refuses the enrolment code at login (same step) and codes from outside the ±1 window', async () => {
    const f = await enrolled();
    const { mfaToken } = await f.passwordStep();
    for (const code of [f.codeAt(0), f.codeAt(-90), f.codeAt(90)]) {
      const refused = await f.call('POST', '/auth/mfa/verify', { body: { mfa_token: mfaToken, code } });
      expect(refused.status, code).toBe(401);
    }
    // One step either side is accepted (a clock a little off), once.
    const edge = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: mfaToken, code: f.codeAt(30) },
    });
    expect(edge.status).toBe(200);
  });

  it('spends the mfa_token once, and refuses it after five minutes', async () => {
    const f = await enrolled();
    f.clock.advance(30);
    const { mfaToken } = await f.passwordStep();
    expect(
      (await f.call('POST', '/auth/mfa/verify', { body: { mfa_token: mfaToken, code: f.codeAt() } })).status,
    ).toBe(200);
    f.clock.advance(30);
    const replay = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: mfaToken, code: f.codeAt() },
    });
    expect([replay.status, (replay.body as { error: string }).error]).toEqual([401, 'invalid_grant']);
    const late = await f.passwordStep();
    f.clock.advance(301);
    const expired = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: late.mfaToken, code: f.codeAt() },
    });
    expect([expired.status, (expired.body as { error: string }).error]).toEqual([401, 'invalid_grant']);
  });

  it('spends a recovery code once', async () => {
    const f = await enrolled();
    const code = f.recoveryCodes[3]!;
    const first = await f.passwordStep();
    const used = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: first.mfaToken, recovery_code: code.toLowerCase().replace('-', ' ') },
    });
    expect(used.status).toBe(200);
    expect(f.events).toContainEqual({ type: 'mfa.recovery_used', subject: f.id, remaining: 9 });
    const second = await f.passwordStep();
    const again = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: second.mfaToken, recovery_code: code },
    });
    expect(again.status).toBe(401);
  });

  it('throttles second-step attempts per account: the sixth is 429 even with the right code', async () => {
    const f = await enrolled();
    f.clock.advance(30);
    const { mfaToken } = await f.passwordStep();
    for (let i = 0; i < 5; i++) {
      const wrong = await f.call('POST', '/auth/mfa/verify', {
        body: { mfa_token: mfaToken, code: '000000' },
      });
      expect(wrong.status).toBe(401);
    }
    const right = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: mfaToken, code: f.codeAt() },
    });
    expect([right.status, (right.body as { error: string }).error]).toEqual([429, 'rate_limited']);
    expect(JSON.stringify(f.events)).not.toContain(f.secret);
  });

  it('finishes a session login with a session carrying amr and acr', async () => {
    const f = await enrolled();
    f.clock.advance(30);
    const step = await f.call('POST', '/auth/session', { body: { email: EMAIL, password: PASSWORD } });
    const mfaToken = (step.body as { mfa_token: string }).mfa_token;
    const done = await f.call('POST', '/auth/mfa/verify', {
      body: { mfa_token: mfaToken, code: f.codeAt() },
    });
    expect(done.status).toBe(204);
    const sid = done.cookie('__Host-portcullis-sid')!;
    const principal = await f.auth.authenticate(
      { method: 'GET', url: '/me', headers: { cookie: `__Host-portcullis-sid=${sid}` } },
      { via: ['session'] },
    );
    expect(principal.claims).toMatchObject({ amr: ['pwd', 'otp'], acr: ACR_MFA });
  });
});

describe('step-up', () => {
  it('refuses a sensitive action once the login is older than 10 minutes, also after a refresh', async () => {
    const f = await authFixture();
    const { accessToken, refreshToken } = await f.registerAndLogin(EMAIL);
    const created = await f.call('POST', '/api-keys', {
      headers: bearer(accessToken),
      body: { name: 'k', scopes: ['reports:read'] },
    });
    const keyId = (created.body as { id: string }).id;
    f.clock.advance(601);
    const refreshed = await f.call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
    const fresh = (refreshed.body as { access_token: string }).access_token;
    expect(payloadOf(fresh)).toMatchObject({ amr: ['pwd'], acr: ACR_SINGLE_FACTOR });
    expect(payloadOf(fresh)['auth_time']).toBe(payloadOf(accessToken)['auth_time']);
    const refused = await f.call('DELETE', `/api-keys/${keyId}`, { headers: bearer(fresh) });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="portcullis", error="insufficient_user_authentication", error_description="A more recent or stronger authentication is required", max_age="600"',
    );
    expect(f.events).toContainEqual(
      expect.objectContaining({ type: 'stepup.required', action: 'api_key.delete' }),
    );
    const rotate = await f.call('POST', '/auth/password/change', {
      headers: bearer(fresh),
      body: { current_password: PASSWORD, new_password: 'another long pass phrase 42' },
    });
    expect((rotate.body as { error: string }).error).toBe('insufficient_user_authentication');

    const again = await f.call('POST', '/auth/reauthenticate', {
      headers: bearer(fresh),
      body: { password: PASSWORD },
    });
    expect(again.status).toBe(200);
    const stepped = (again.body as { access_token: string }).access_token;
    expect(payloadOf(stepped)['sid']).toBe(payloadOf(fresh)['sid']);
    expect((await f.call('DELETE', `/api-keys/${keyId}`, { headers: bearer(stepped) })).status).toBe(204);
  });

  it('asks an enrolled user for the second factor too when reauthenticating', async () => {
    const f = await enrolled();
    f.clock.advance(30);
    const passwordOnly = await f.call('POST', '/auth/reauthenticate', {
      headers: bearer(f.accessToken),
      body: { password: PASSWORD },
    });
    expect([passwordOnly.status, (passwordOnly.body as { error: string }).error]).toEqual([
      401,
      'mfa_required',
    ]);
    const wrong = await f.call('POST', '/auth/reauthenticate', {
      headers: bearer(f.accessToken),
      body: { password: 'not the password at all', code: f.codeAt() },
    });
    expect(wrong.status).toBe(401);
    const both = await f.call('POST', '/auth/reauthenticate', {
      headers: bearer(f.accessToken),
      body: { password: PASSWORD, code: f.codeAt() },
    });
    expect(both.status).toBe(200);
    expect(payloadOf((both.body as { access_token: string }).access_token)).toMatchObject({ acr: ACR_MFA });
  });

  it('needs a recent login to remove the authenticator app', async () => {
    const f = await enrolled();
    f.clock.advance(601);
    const refused = await f.call('DELETE', '/auth/mfa/totp', { headers: bearer(f.accessToken) });
    expect(refused.status).toBe(401);
    const status = await f.call('GET', '/auth/mfa', { headers: bearer(f.accessToken) });
    expect((status.body as { totp: boolean }).totp).toBe(true);
  });

  it('drops the recovery codes with the last factor, so that a new app brings new ones', async () => {
    const f = await enrolled();
    const removed = await f.call('DELETE', '/auth/mfa/totp', { headers: bearer(f.accessToken) });
    expect(removed.status).toBe(204);
    const status = await f.call('GET', '/auth/mfa', { headers: bearer(f.accessToken) });
    expect(status.body).toMatchObject({ totp: false, recovery_codes_left: 0 });
    const login = await f.call('POST', '/auth/login', { body: { email: EMAIL, password: PASSWORD } });
    expect(login.status).toBe(200);
  });
});
