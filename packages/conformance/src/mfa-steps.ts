// The steps the second-factor suite (mfa.test.ts) takes again and again over HTTP against one running demo:
// enrol an authenticator app, stop at a login's second step, run a passkey ceremony with the soft
// authenticator. Every TOTP secret, code and recovery code the suite handles is remembered, so that the
// app's log can be searched for them at the end.
import {
  createSoftAuthenticator,
  type SoftAuthenticationContext,
  type SoftAuthenticator,
  type SoftCreationOptions,
  type SoftRequestOptions,
} from '@portcullis/testkit';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { type Reply, type Request, secret } from './client.js';
import { type ContractTarget, contractSteps, type SignedIn } from './contract-steps.js';
import { ACCESS, email, REFRESH, sleep } from './fixtures.js';
import { DEVICE } from './login-throttling.js';
import { expectError } from './reply-expectations.js';

export const WEBAUTHN = '__Host-portcullis-webauthn';
/** The demos' `STEP_UP_MAX_AGE` and `MFA_TOKEN_TTL` in this suite, in seconds: short, so expiry takes a sleep. */
export const STEP_UP_MAX_AGE = 4;
export const MFA_TOKEN_TTL = 3;
export const ACR_MFA = 'urn:portcullis:acr:mfa';

/** The values that must never appear in the app's log: TOTP secrets, codes, recovery codes. */
export interface MfaSecrets {
  totpSecrets: Set<string>;
  codes: Set<string>;
  recoveryCodes: Set<string>;
}

export const newMfaSecrets = (): MfaSecrets => ({
  totpSecrets: new Set(),
  codes: new Set(),
  recoveryCodes: new Set(),
});

/** The claims of a JWT, read without verifying it (the app verified it when it issued it). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** The `Cookie` header that gives back the webauthn cookie a reply set (a browser would keep it). */
export function webauthnCookie(reply: Reply): string {
  const value = reply.cookie(WEBAUTHN);
  expect(value, `no ${WEBAUTHN} cookie in ${JSON.stringify(reply.setCookies)}`).toBeDefined();
  expect(reply.setCookies.find((c) => c.startsWith(`${WEBAUTHN}=`))).toMatch(
    /; Max-Age=300; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
  );
  return `${WEBAUTHN}=${value}`;
}

/** Waits until the wall clock reaches `atMs`. */
export async function waitUntil(atMs: number): Promise<void> {
  const left = atMs - Date.now();
  if (left > 0) await sleep(left);
}

/** The first time (ms) a credential issued at `authTime` (s) is older than `STEP_UP_MAX_AGE`, by the app's whole seconds. */
export const staleAt = (authTime: number) => (authTime + STEP_UP_MAX_AGE + 1) * 1000 + 50;

export function mfaSteps(target: ContractTarget, secrets: MfaSecrets) {
  const { http, origin } = target;
  const steps = contractSteps(target);
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}, client: Request = http) =>
    client('POST', path, { body, headers });

  /** The TOTP code of `base32` for the time `offsetSeconds` from now (remembered as a secret). */
  function code(base32: string, offsetSeconds = 0): string {
    const value = new TOTP({ secret: Secret.fromBase32(base32) }).generate({
      timestamp: Date.now() + offsetSeconds * 1000,
    });
    secrets.codes.add(value);
    return value;
  }

  /** A six-digit code that is none of `base32`'s codes from a minute before to a minute after now. */
  function wrongCode(base32: string, seed: number): string {
    const near = new Set([-60, -30, 0, 30, 60].map((offset) => code(base32, offset)));
    for (let n = seed; ; n += 7919) {
      const candidate = String(n % 1_000_000).padStart(6, '0');
      if (!near.has(candidate)) return candidate;
    }
  }

  /** Starts an authenticator app for a signed-in user: `{secret, otpauth_uri, qr_svg}`. */
  async function startTotp(user: SignedIn) {
    const started = await post('/auth/mfa/totp', undefined, user.bearer);
    expect(started.status, started.text).toBe(200);
    const base32 = started.json['secret'] as string;
    secrets.totpSecrets.add(base32);
    return { reply: started, secret: base32 };
  }

  /** Confirms the waiting app with the code of now: the ten recovery codes. */
  async function confirmTotp(user: SignedIn, base32: string) {
    const confirmed = await post('/auth/mfa/totp/confirm', { code: code(base32) }, user.bearer);
    expect(confirmed.status, confirmed.text).toBe(200);
    const recoveryCodes = confirmed.json['recovery_codes'] as string[];
    for (const recovery of recoveryCodes) secrets.recoveryCodes.add(recovery);
    return { reply: confirmed, recoveryCodes };
  }

  /**
   * A registered, signed-in user with a confirmed authenticator app. The confirmation spent the code of the
   * current 30-second step: the next code that passes is `code(secret, 30)` (one step ahead, inside the
   * window), then none until the clock moves on.
   */
  async function enrolledUser(tag: string) {
    const user = await steps.signIn(email(tag));
    const { secret: base32 } = await startTotp(user);
    const { recoveryCodes } = await confirmTotp(user, base32);
    return { user, secret: base32, recoveryCodes };
  }

  /** The first step of a login of an enrolled account: 401 `mfa_required`, and its `mfa_token`. */
  async function passwordStep(
    user: { email: string; password: string },
    path: '/auth/login' | '/auth/session' = '/auth/login',
    client: Request = http,
  ) {
    const reply = await post(path, { email: user.email, password: user.password }, {}, client);
    expectError(reply, 401, 'mfa_required');
    const token = secret(reply.json['mfa_token'] as string);
    expect(token).toEqual(expect.any(String));
    return { reply, token };
  }

  /** `POST /auth/mfa/verify` with the mfa_token and a second factor. */
  const verify = (body: Record<string, unknown>, headers: Record<string, string> = {}, client = http) =>
    post('/auth/mfa/verify', body, headers, client);

  /**
   * Expects a login's tokens (200 like `/auth/login`, with both token cookies, and the device cookie when
   * a password was part of it): the access token.
   */
  function expectTokens(reply: Reply, options: { device?: boolean } = {}): string {
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    const names = options.device === false ? [ACCESS, REFRESH] : [ACCESS, REFRESH, DEVICE];
    for (const name of names) expect(reply.cookie(name), name).toBeDefined();
    return reply.json['access_token'] as string;
  }

  /** The factor status of a signed-in user (`GET /auth/mfa`). */
  async function status(bearer: { authorization: string }) {
    const reply = await http('GET', '/auth/mfa', { headers: bearer });
    expect(reply.status, reply.text).toBe(200);
    return reply.json as {
      totp: boolean;
      passkeys: { id: string; name: string }[];
      recovery_codes_left: number;
    };
  }

  /** `POST /auth/passkeys/register/options` for a signed-in user: the options and the cookie binding them. */
  async function registrationOptions(user: SignedIn) {
    const reply = await post('/auth/passkeys/register/options', undefined, user.bearer);
    expect(reply.status, reply.text).toBe(200);
    return { options: reply.json as unknown as SoftCreationOptions, cookie: webauthnCookie(reply) };
  }

  /** `POST /auth/passkeys/register` with a response, as the browser that holds `cookie` (if any). */
  const register = (user: SignedIn, response: unknown, cookie?: string) =>
    post(
      '/auth/passkeys/register',
      { response, name: 'soft authenticator' },
      { ...user.bearer, origin, ...(cookie === undefined ? {} : { cookie }) },
    );

  /** A signed-in user with a passkey on a fresh soft authenticator. */
  async function passkeyUser(tag: string) {
    const user = await steps.signIn(email(tag));
    const authenticator = createSoftAuthenticator();
    const { options, cookie } = await registrationOptions(user);
    const registered = await register(user, authenticator.register(options, { origin }), cookie);
    expect(registered.status, registered.text).toBe(201);
    return { user, authenticator, credentialId: authenticator.credentials[0]!.id };
  }

  /** `POST /auth/passkeys/login/options` (with an mfa_token for a second step): the options and the cookie. */
  async function loginOptions(mfaToken?: string) {
    const reply = await post(
      '/auth/passkeys/login/options',
      mfaToken === undefined ? {} : { mfa_token: mfaToken },
    );
    expect(reply.status, reply.text).toBe(200);
    return { options: reply.json as unknown as SoftRequestOptions, cookie: webauthnCookie(reply) };
  }

  /** A passwordless sign-in: fresh options, an assertion made in `context`, `POST /auth/passkeys/login`. */
  async function passkeyLogin(
    authenticator: SoftAuthenticator,
    context: Partial<SoftAuthenticationContext> = {},
  ) {
    const { options, cookie } = await loginOptions();
    const response = authenticator.authenticate(options, { origin, ...context });
    const reply = await post('/auth/passkeys/login', { response }, { cookie, origin });
    return { reply, response, options, cookie };
  }

  return {
    ...steps,
    code,
    wrongCode,
    startTotp,
    confirmTotp,
    enrolledUser,
    passwordStep,
    verify,
    expectTokens,
    status,
    registrationOptions,
    register,
    passkeyUser,
    loginOptions,
    passkeyLogin,
  };
}
