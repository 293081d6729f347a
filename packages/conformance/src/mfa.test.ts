// Second factors, passkeys and step-up (the routes of notes/mfa-routes.md) over HTTP against every demo app
// running as a real process, on the embedded store: each attack a second factor must stop is a test that a
// naive implementation fails. The demos run with STEP_UP_MAX_AGE=4s and MFA_TOKEN_TTL=3s, so that expiry
// takes one short wait, shared by the tests that need it.
import { createSoftAuthenticator } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Reply, secretsSeen } from './client.js';
import type { ContractTarget, SignedIn } from './contract-steps.js';
import { type DemoProcess, FRAMEWORKS, type Framework, startDemo } from './demo-process.js';
import { ACCESS, email, freshPassword, REFRESH, SID } from './fixtures.js';
import { DEVICE } from './login-throttling.js';
import {
  ACR_MFA,
  claimsOf,
  MFA_TOKEN_TTL,
  mfaSteps,
  newMfaSecrets,
  STEP_UP_MAX_AGE,
  staleAt,
  waitUntil,
} from './mfa-steps.js';
import { expectError } from './reply-expectations.js';

const PASSWORD = freshPassword('mfa');
const EVIL_ORIGIN = 'https://evil.example';
const EVIL_RP_ID = 'evil.example';
const TIMEOUT = 30_000;

const bearerOf = (token: string) => ({ authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);

/** 401 `insufficient_user_authentication` with RFC 9470's challenge: the login is older than STEP_UP_MAX_AGE. */
function expectStepUp(reply: Reply) {
  expectError(reply, 401, 'insufficient_user_authentication');
  const challenge = reply.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="portcullis", /);
  expect(challenge).toContain('error="insufficient_user_authentication"');
  expect(challenge).toContain(`max_age="${STEP_UP_MAX_AGE}"`);
}

const DEMO_ENV = { STEP_UP_MAX_AGE: `${STEP_UP_MAX_AGE}s`, MFA_TOKEN_TTL: `${MFA_TOKEN_TTL}s` };
// Each demo is started while the previous framework's tests run: start-up is most of this file's time.
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
// Whatever was started and not stopped by its describe (a filtered run starts the next demo all the same).
afterAll(async () => {
  await Promise.all([...demos.values()].map((demo) => demo.then((d) => d.stop()).catch(() => {})));
}, 30_000);

describe.each(FRAMEWORKS)('%s demo: second factors, passkeys, step-up', (framework) => {
  let app: DemoProcess;
  let target: ContractTarget;
  const secrets = newMfaSecrets();
  const steps = () => mfaSteps(target, secrets);
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    target.http('POST', path, { body, headers });
  const http = (method: string, path: string, headers: Record<string, string> = {}) =>
    target.http(method, path, { headers });

  // Made before the other tests run, so that their login ages past STEP_UP_MAX_AGE, and the mfa_token past
  // MFA_TOKEN_TTL, meanwhile: the tests that need it old wait only for what is left, once.
  let stale: {
    user: SignedIn;
    enrolled: { user: SignedIn; secret: string; recoveryCodes: string[] };
    mfaToken: string;
    /** When (ms) both users' logins are older than STEP_UP_MAX_AGE and the mfa_token has expired. */
    readyAt: number;
  };

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
    const s = steps();
    const user = await s.signIn(email('stale'));
    const enrolled = await s.enrolledUser('expiring');
    const { token } = await s.passwordStep(enrolled.user);
    const authTimes = [user, enrolled.user].map((u) => claimsOf(u.token)['auth_time'] as number);
    stale = {
      user,
      enrolled,
      mfaToken: token,
      readyAt: Math.max(...authTimes.map(staleAt), Date.now() + MFA_TOKEN_TTL * 1000 + 100),
    };
  }, 150_000);

  afterAll(() => app?.stop(), 30_000);

  it(
    'TOTP enrolment: a 160-bit secret, its otpauth URI and QR code; a new start replaces it; the first right code enrols, with 10 unique recovery codes',
    async () => {
      const s = steps();
      const user = await s.signIn(email('enrol'));
      expect(await s.status(user.bearer)).toEqual({ totp: false, passkeys: [], recovery_codes_left: 0 });
      const first = await s.startTotp(user);
      const { reply, secret } = await s.startTotp(user);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(secret).not.toBe(first.secret);
      const uri = new URL(reply.json['otpauth_uri'] as string);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(uri.searchParams.get('issuer')).toBe('portcullis demo');
      expect(decodeURIComponent(uri.pathname)).toContain(user.email);
      expect(reply.json['qr_svg']).toMatch(/^<svg/);
      // Waiting is not enrolled: the password alone still logs in.
      expect((await post('/auth/login', { email: user.email, password: PASSWORD })).status).toBe(200);
      // The replaced secret's code does not confirm; a wrong one neither.
      for (const code of [s.code(first.secret), s.wrongCode(secret, 123_457)])
        expectError(await post('/auth/mfa/totp/confirm', { code }, user.bearer), 400, 'invalid_grant');
      const { recoveryCodes } = await s.confirmTotp(user, secret);
      expect(recoveryCodes).toHaveLength(10);
      for (const code of recoveryCodes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(new Set(recoveryCodes).size).toBe(10);
      expect(await s.status(user.bearer)).toEqual({ totp: true, passkeys: [], recovery_codes_left: 10 });
      expectError(await post('/auth/mfa/totp', undefined, user.bearer), 409, 'conflict');
    },
    TIMEOUT,
  );

  it(
    'attack: the password step of an enrolled account issues nothing usable — 401 mfa_required, no token or device cookie, and its mfa_token is no credential',
    async () => {
      const s = steps();
      const { user, recoveryCodes } = await s.enrolledUser('password-step');
      const { reply, token } = await s.passwordStep(user);
      expect(reply.json).toEqual({
        error: 'mfa_required',
        error_description: expect.any(String),
        mfa_token: expect.any(String),
        mfa_methods: ['totp', 'recovery_code'],
        expires_in: MFA_TOKEN_TTL,
      });
      expect(reply.headers.get('cache-control')).toBe('no-store');
      for (const name of [ACCESS, REFRESH, SID, DEVICE])
        expect(reply.setCookies.filter((c) => c.startsWith(`${name}=`))).toEqual([]);
      // The reply's one value, presented as each kind of credential, opens nothing.
      expect((await http('GET', '/me', bearerOf(token))).status).toBe(401);
      for (const name of [ACCESS, SID])
        expect((await http('GET', '/me', { cookie: `${name}=${token}` })).status).toBe(401);
      expectError(await post('/auth/refresh', { refresh_token: token }), 401, 'invalid_grant');
      expect((await http('GET', '/api-keys', bearerOf(token))).status).toBe(401);

      // A cookie session stops at the second step the same way, and finishes with 204 and a session id.
      const session = await s.passwordStep(user, '/auth/session');
      expect(session.reply.setCookies.filter((c) => c.startsWith(`${SID}=`))).toEqual([]);
      const finished = await s.verify({ mfa_token: session.token, recovery_code: recoveryCodes[0] });
      expect(finished.status, finished.text).toBe(204);
      const sid = finished.cookie(SID);
      expect(sid).toBeDefined();
      expect((await http('GET', '/me', { cookie: `${SID}=${sid}` })).json['email']).toBe(user.email);
    },
    TIMEOUT,
  );

  it(
    'POST /auth/mfa/verify with the right code → 200 with tokens and cookies; amr ["pwd","otp"], acr mfa, auth_time',
    async () => {
      const s = steps();
      const { user, secret } = await s.enrolledUser('verify');
      const { token } = await s.passwordStep(user);
      expectError(await s.verify({ mfa_token: token }), 400, 'invalid_request');
      const before = now();
      const reply = await s.verify({ mfa_token: token, code: s.code(secret, 30) });
      const access = s.expectTokens(reply);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const claims = claimsOf(access);
      expect(claims['amr']).toEqual(['pwd', 'otp']);
      expect(claims['acr']).toBe(ACR_MFA);
      expect(claims['auth_time']).toEqual(expect.any(Number));
      expect(claims['auth_time']).toBeGreaterThanOrEqual(before - 1);
      expect(claims['auth_time']).toBeLessThanOrEqual(now() + 1);
      expect((await http('GET', '/me', bearerOf(access))).json['email']).toBe(user.email);
    },
    TIMEOUT,
  );

  it(
    'attack: a replayed TOTP code (on a new mfa_token), and codes of 90 s ago or ahead → 401 invalid_credentials; the mfa_token survives them',
    async () => {
      const s = steps();
      const { user, secret, recoveryCodes } = await s.enrolledUser('replay');
      const used = s.code(secret, 30);
      s.expectTokens(await s.verify({ mfa_token: (await s.passwordStep(user)).token, code: used }));
      const { token } = await s.passwordStep(user);
      expectError(await s.verify({ mfa_token: token, code: used }), 401, 'invalid_credentials');
      for (const offset of [-90, 90])
        expectError(
          await s.verify({ mfa_token: token, code: s.code(secret, offset) }),
          401,
          'invalid_credentials',
        );
      // Refused codes leave the mfa_token usable until it expires: another factor finishes the login.
      s.expectTokens(await s.verify({ mfa_token: token, recovery_code: recoveryCodes[0] }));
    },
    TIMEOUT,
  );

  it(
    'attack: a used recovery code → 401 invalid_credentials the second time (9 left); a spent mfa_token → 401 invalid_grant',
    async () => {
      const s = steps();
      const { user, recoveryCodes } = await s.enrolledUser('recovery');
      const [spent, other] = [recoveryCodes[3]!, recoveryCodes[4]!];
      const first = await s.passwordStep(user);
      const access = s.expectTokens(await s.verify({ mfa_token: first.token, recovery_code: spent }));
      expect(claimsOf(access)['acr']).toBe(ACR_MFA);
      // The login spent its mfa_token: replayed, even with a good factor, it finishes nothing.
      expectError(await s.verify({ mfa_token: first.token, recovery_code: other }), 401, 'invalid_grant');
      const second = await s.passwordStep(user);
      expectError(
        await s.verify({ mfa_token: second.token, recovery_code: spent }),
        401,
        'invalid_credentials',
      );
      // Typed otherwise (lower case, no dash) it is the same spent code.
      expectError(
        await s.verify({ mfa_token: second.token, recovery_code: spent.toLowerCase().replace('-', '') }),
        401,
        'invalid_credentials',
      );
      expect((await s.status(bearerOf(access))).recovery_codes_left).toBe(9);
      s.expectTokens(await s.verify({ mfa_token: second.token, recovery_code: other }));
      expect((await s.status(bearerOf(access))).recovery_codes_left).toBe(8);
    },
    TIMEOUT,
  );

  it(
    'attack: guessing codes is throttled per account — 5 wrong codes from 5 addresses, then even the right code → 429 rate_limited, on a new mfa_token too',
    async () => {
      const s = steps();
      const { user, secret } = await s.enrolledUser('guess');
      const { token } = await s.passwordStep(user);
      for (let i = 1; i <= 5; i++)
        expectError(
          await s.verify({ mfa_token: token, code: s.wrongCode(secret, 104_729 * i) }, {}, s.newClient()),
          401,
          'invalid_credentials',
        );
      const right = s.code(secret, 30);
      expectError(await s.verify({ mfa_token: token, code: right }, {}, s.newClient()), 429, 'rate_limited');
      const again = await s.passwordStep(user);
      expectError(await s.verify({ mfa_token: again.token, code: right }), 429, 'rate_limited');
    },
    TIMEOUT,
  );

  it(
    'passkey registration: 201 with the challenge cookie; attack: wrong origin, wrong RP ID, another challenge, no cookie, a spent cookie → 400',
    async () => {
      const s = steps();
      const user = await s.signIn(email('passkey-register'));
      const origin = target.origin;
      // Forged responses come from an authenticator of their own: the real one holds only the real passkey.
      const forger = createSoftAuthenticator();
      const wrongOrigin = await s.registrationOptions(user);
      expectError(
        await s.register(
          user,
          forger.register(wrongOrigin.options, { origin: EVIL_ORIGIN }),
          wrongOrigin.cookie,
        ),
        400,
        'invalid_request',
      );
      const wrongRp = await s.registrationOptions(user);
      expectError(
        await s.register(
          user,
          forger.register(wrongRp.options, { origin, rpId: EVIL_RP_ID }),
          wrongRp.cookie,
        ),
        400,
        'invalid_request',
      );
      // A challenge the app issued (to this user, still unspent) but bound to another cookie.
      const earlier = await s.registrationOptions(user);
      const later = await s.registrationOptions(user);
      expectError(
        await s.register(
          user,
          forger.register({ ...later.options, challenge: earlier.options.challenge }, { origin }),
          later.cookie,
        ),
        400,
        'invalid_request',
      );

      const authenticator = createSoftAuthenticator();
      const { options, cookie } = await s.registrationOptions(user);
      expect(options.rp.id).toBe('127.0.0.1');
      const response = authenticator.register(options, { origin });
      expectError(await s.register(user, response), 400, 'invalid_request');
      const created = await s.register(user, response, cookie);
      expect(created.status, created.text).toBe(201);
      expect(created.json).toEqual({
        id: response.id,
        name: 'soft authenticator',
        created_at: expect.any(String),
        // Ten when the passkey is the account's first factor, none when it already had codes.
        recovery_codes: expect.any(Array),
      });
      expect([0, 10]).toContain((created.json as { recovery_codes: string[] }).recovery_codes.length);
      // The same response again, with the cookie its registration spent.
      expectError(await s.register(user, response, cookie), 400, 'invalid_request');
      const status = await s.status(user.bearer);
      expect(status.passkeys.map((p) => p.id)).toEqual([response.id]);
    },
    TIMEOUT,
  );

  it(
    'passwordless passkey login → 200 with amr hwk; attack: wrong origin, wrong RP ID, a replayed challenge or assertion, a lower or equal sign count → 401',
    async () => {
      const s = steps();
      const { user, authenticator, credentialId } = await s.passkeyUser('passwordless');
      const first = await s.passkeyLogin(authenticator, { credentialId });
      const access = s.expectTokens(first.reply, { device: false });
      expect(claimsOf(access)['amr']).toEqual(expect.arrayContaining(['hwk']));
      expect((await http('GET', '/me', bearerOf(access))).json['email']).toBe(user.email);

      const refused = (reply: Reply) => expectError(reply, 401, 'invalid_credentials');
      refused((await s.passkeyLogin(authenticator, { origin: EVIL_ORIGIN })).reply);
      refused((await s.passkeyLogin(authenticator, { rpId: EVIL_RP_ID })).reply);
      // The first login's challenge, signed anew and posted with a fresh cookie.
      refused((await s.passkeyLogin(authenticator, { challenge: first.options.challenge })).reply);
      // The first login's assertion itself, with its spent cookie, with a fresh one, and with none.
      const origin = target.origin;
      refused(
        await post('/auth/passkeys/login', { response: first.response }, { cookie: first.cookie, origin }),
      );
      const fresh = await s.loginOptions();
      refused(
        await post('/auth/passkeys/login', { response: first.response }, { cookie: fresh.cookie, origin }),
      );
      refused(await post('/auth/passkeys/login', { response: first.response }, { origin }));

      // A clone of the authenticator, counting behind the real one.
      s.expectTokens((await s.passkeyLogin(authenticator)).reply, { device: false });
      const stored = authenticator.credentials[0]!.signCount;
      expect(stored).toBeGreaterThanOrEqual(2);
      refused((await s.passkeyLogin(authenticator, { signCount: stored - 1 })).reply);
      refused((await s.passkeyLogin(authenticator, { signCount: stored })).reply);
      // The real one, counting on, still signs in: what was refused was the count.
      s.expectTokens((await s.passkeyLogin(authenticator, { signCount: stored + 1 })).reply, {
        device: false,
      });
    },
    TIMEOUT,
  );

  it(
    'a passkey as second factor after the password → 200 (amr pwd + hwk, acr mfa); attack: a challenge not bound to this mfa_token → 401',
    async () => {
      const s = steps();
      const { user, authenticator, credentialId } = await s.passkeyUser('second-factor');
      const origin = target.origin;
      const { reply, token } = await s.passwordStep(user);
      expect(reply.json['mfa_methods']).toContain('webauthn');
      expectError(
        await post('/auth/passkeys/login/options', { mfa_token: 'A'.repeat(43) }),
        401,
        'invalid_grant',
      );
      // A passwordless challenge, and one bound to another login's mfa_token, finish nothing.
      const loose = await s.loginOptions();
      const otherLogin = await s.passwordStep(user);
      const foreign = await s.loginOptions(otherLogin.token);
      for (const { options, cookie } of [loose, foreign])
        expectError(
          await s.verify(
            { mfa_token: token, webauthn: authenticator.authenticate(options, { origin }) },
            { cookie, origin },
          ),
          401,
          'invalid_credentials',
        );
      const bound = await s.loginOptions(token);
      expect(bound.options.allowCredentials?.map((c) => c.id)).toEqual([credentialId]);
      const finished = await s.verify(
        { mfa_token: token, webauthn: authenticator.authenticate(bound.options, { origin }) },
        { cookie: bound.cookie, origin },
      );
      const claims = claimsOf(s.expectTokens(finished));
      expect(claims['amr']).toEqual(expect.arrayContaining(['pwd', 'hwk']));
      expect(claims['acr']).toBe(ACR_MFA);
    },
    TIMEOUT,
  );

  it(
    `step-up: deleting an API key or changing the password needs a login younger than STEP_UP_MAX_AGE (${STEP_UP_MAX_AGE}s); a refresh does not renew it, /auth/reauthenticate does`,
    async () => {
      const s = steps();
      const { user } = stale;
      const keyOf = async (bearer: { authorization: string }) => {
        const created = await post('/api-keys', { name: 'ci', scopes: ['reports:read'] }, bearer);
        expect(created.status, created.text).toBe(201);
        return created.json['id'] as string;
      };
      // Right after a login, it passes.
      const recent = await s.login(user.email);
      expect((await http('DELETE', `/api-keys/${await keyOf(recent.bearer)}`, recent.bearer)).status).toBe(
        204,
      );
      const key = await keyOf(recent.bearer);

      await waitUntil(stale.readyAt);
      const change = (bearer: { authorization: string }) =>
        post(
          '/auth/password/change',
          { current_password: user.password, new_password: freshPassword('changed') },
          bearer,
        );
      expectStepUp(await http('DELETE', `/api-keys/${key}`, user.bearer));
      expectStepUp(await change(user.bearer));
      // A refresh keeps the login's auth_time: the refreshed token is refused the same.
      const refreshed = await post('/auth/refresh', { refresh_token: user.refresh });
      expect(refreshed.status, refreshed.text).toBe(200);
      const refreshedToken = refreshed.json['access_token'] as string;
      expect(claimsOf(refreshedToken)['auth_time']).toBe(claimsOf(user.token)['auth_time']);
      expectStepUp(await http('DELETE', `/api-keys/${key}`, bearerOf(refreshedToken)));
      expectStepUp(await change(bearerOf(refreshedToken)));

      // Reauthenticating (no second factor: the password) gives a token of now, in the same session.
      expectError(
        await post('/auth/reauthenticate', { password: 'not the password!' }, bearerOf(refreshedToken)),
        401,
        'invalid_credentials',
      );
      const before = now();
      const reauthenticated = await post(
        '/auth/reauthenticate',
        { password: user.password },
        bearerOf(refreshedToken),
      );
      expect(reauthenticated.status, reauthenticated.text).toBe(200);
      expect(reauthenticated.json).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
      });
      const fresh = reauthenticated.json['access_token'] as string;
      expect(claimsOf(fresh)['amr']).toEqual(['pwd']);
      expect(claimsOf(fresh)['auth_time']).toBeGreaterThanOrEqual(before - 1);
      expect((await http('DELETE', `/api-keys/${key}`, bearerOf(fresh))).status).toBe(204);
      expect((await change(bearerOf(fresh))).status).toBe(200);
    },
    TIMEOUT,
  );

  it(
    'attack: an mfa_token past MFA_TOKEN_TTL → 401 invalid_grant; an enrolled user reauthenticates with password + code, not the password alone',
    async () => {
      const s = steps();
      const { enrolled, mfaToken } = stale;
      await waitUntil(stale.readyAt);
      // A good factor would finish it, were it not expired.
      expectError(
        await s.verify({ mfa_token: mfaToken, recovery_code: enrolled.recoveryCodes[0] }),
        401,
        'invalid_grant',
      );

      const { user, secret } = enrolled;
      expectStepUp(await post('/auth/mfa/recovery-codes', undefined, user.bearer));
      const partial = await post('/auth/reauthenticate', { password: user.password }, user.bearer);
      expectError(partial, 401, 'mfa_required');
      expect(partial.json['mfa_methods']).toEqual(['totp', 'recovery_code']);
      expect(partial.json['mfa_token']).toBeUndefined();
      expectError(
        await post(
          '/auth/reauthenticate',
          { password: user.password, code: s.wrongCode(secret, 271_829) },
          user.bearer,
        ),
        401,
        'invalid_credentials',
      );
      const before = now();
      const reauthenticated = await post(
        '/auth/reauthenticate',
        { password: user.password, code: s.code(secret, 30) },
        user.bearer,
      );
      expect(reauthenticated.status, reauthenticated.text).toBe(200);
      const fresh = bearerOf(reauthenticated.json['access_token'] as string);
      const claims = claimsOf(reauthenticated.json['access_token'] as string);
      expect(claims['amr']).toEqual(['pwd', 'otp']);
      expect(claims['acr']).toBe(ACR_MFA);
      expect(claims['auth_time']).toBeGreaterThanOrEqual(before - 1);

      // New recovery codes (a sensitive action) now pass; the old ones stop working.
      const regenerated = await post('/auth/mfa/recovery-codes', undefined, fresh);
      expect(regenerated.status, regenerated.text).toBe(200);
      const codes = regenerated.json['recovery_codes'] as string[];
      for (const code of codes) secrets.recoveryCodes.add(code);
      expect(codes).toHaveLength(10);
      const { token } = await s.passwordStep(user);
      expectError(
        await s.verify({ mfa_token: token, recovery_code: enrolled.recoveryCodes[1] }),
        401,
        'invalid_credentials',
      );
      s.expectTokens(await s.verify({ mfa_token: token, recovery_code: codes[0] }));
    },
    TIMEOUT,
  );

  it('logs mfa.enrolled, mfa.verified, mfa.failed, mfa.recovery_used, passkey.registered and stepup.required, and never a TOTP secret, code, recovery code or token', () => {
    const output = app.output();
    for (const type of [
      'mfa.enrolled',
      'mfa.verified',
      'mfa.failed',
      'mfa.recovery_used',
      'passkey.registered',
      'stepup.required',
    ])
      expect(output, type).toContain(type);
    expect(secrets.totpSecrets.size).toBeGreaterThanOrEqual(8);
    expect(secrets.recoveryCodes.size).toBeGreaterThanOrEqual(70);
    const recoveryForms = [...secrets.recoveryCodes].flatMap((code) => [code, code.replace('-', '')]);
    expect([...secrets.totpSecrets, ...recoveryForms].filter((value) => output.includes(value))).toEqual([]);
    // A code is six digits: only one standing on its own counts (timestamps hold any six digits).
    expect(
      [...secrets.codes].filter((code) => new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(output)),
    ).toEqual([]);
    // Nor a password, access token, mfa_token or cookie value (the webauthn binding included).
    expect([...secretsSeen].filter((value) => output.includes(value))).toEqual([]);
  });
});
