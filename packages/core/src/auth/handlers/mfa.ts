import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import { type Authenticate, signedInUser } from '../authenticate.js';
import { completeLogin } from '../complete-login.js';
import { json, noContent } from '../respond.js';
import {
  offersSecondFactor,
  proveSecondFactor,
  secondFactorsOf,
  signedInForFactors,
} from '../second-factor-proof.js';
import { dpopKeyOf } from '../token-response.js';

/** `GET /auth/mfa` (signed in) → which factors the user has: `{totp, passkeys, recovery_codes_left}`. */
export async function mfaStatus(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request);
  return json(200, await mfa.status(principal.subject));
}

/**
 * `POST /auth/mfa/totp` (signed in) → 200 `{secret, otpauth_uri, qr_svg}`: a new secret (160 bits, sealed at
 * rest) waiting for its first code at `/auth/mfa/totp/confirm`; 409 when an app is already enrolled.
 */
export async function startTotp(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request);
  const user = await signedInUser(parts, principal.subject);
  const started = await mfa.startTotp(user);
  return json(200, { secret: started.secret, otpauth_uri: started.otpauthUri, qr_svg: started.qrSvg });
}

/**
 * `POST /auth/mfa/totp/confirm {code}` (signed in) → 200 `{recovery_codes}`: the app is enrolled; the ten
 * recovery codes are shown this once (empty when the user already had codes). 400 `invalid_grant` for a
 * wrong code (counted like a second step).
 */
export async function confirmTotp(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request);
  const body = readRequestJson(request);
  if (typeof body['code'] !== 'string') throw new AuthError('invalid_request', '"code" must be a string');
  await parts.mfaThrottle.consume(principal.subject);
  const { confirmed, recoveryCodes } = await mfa.confirmTotp(principal.subject, body['code']);
  if (!confirmed) {
    parts.emit({
      type: 'mfa.failed',
      subject: principal.subject,
      method: 'totp',
      reason: 'enrolment_code_refused',
    });
    throw new AuthError('invalid_grant', 'Invalid code', { status: 400, reason: 'totp_confirm_refused' });
  }
  await parts.mfaThrottle.reset(principal.subject);
  parts.emit({ type: 'mfa.enrolled', subject: principal.subject, method: 'totp' });
  return json(200, { recovery_codes: recoveryCodes });
}

/** `DELETE /auth/mfa/totp` (signed in, recently) → 204; 404 when no app is enrolled. */
export async function removeTotp(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request, 'mfa.totp.remove');
  if (!(await mfa.removeTotp(principal.subject)))
    throw new AuthError('not_found', 'No authenticator app enrolled');
  return noContent();
}

/** `POST /auth/mfa/recovery-codes` (signed in, recently) → 200 `{recovery_codes}`: ten new codes; the old ones stop working. */
export async function regenerateRecoveryCodes(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request, 'mfa.recovery_codes');
  return json(200, { recovery_codes: await mfa.newRecoveryCodes(principal.subject) });
}

function invalidMfaToken(reason: string): AuthError {
  return new AuthError('invalid_grant', 'Invalid or expired mfa_token', { reason });
}

/**
 * `POST /auth/mfa/verify {mfa_token, code | recovery_code | webauthn}` → finishes the login the token
 * stands for, as it would have finished without a second factor: 200 with tokens, or 204 with a session.
 * The token is spent by the one request that passes; a wrong code leaves it usable until it expires, but
 * every attempt counts against the account (and against the e-mail, address and device as login does).
 */
export async function verifySecondFactor(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const mfa = secondFactorsOf(parts);
  const body = readRequestJson(request);
  const token = body['mfa_token'];
  if (typeof token !== 'string') throw new AuthError('invalid_request', '"mfa_token" must be a string');
  // A body without any second factor is malformed, not a failed attempt: refused before anything counts.
  if (!offersSecondFactor(body))
    throw new AuthError('invalid_request', 'Give "code", "recovery_code" or "webauthn"');
  const dpopKey = await dpopKeyOf(parts, request);
  const pending = await mfa.pendingLogins.peek(token);
  if (pending === undefined) {
    parts.emit({ type: 'mfa.failed', subject: undefined, method: 'mfa_token', reason: 'unknown_or_expired' });
    throw invalidMfaToken('unknown_or_expired');
  }
  const device = parts.devices.verify(parts.cookies.read(request.headers).device, pending.email);
  const attempt = { email: pending.email, ip: request.ip ?? '', device };
  await parts.loginThrottle.attempt(attempt);
  const proof = await proveSecondFactor(parts, request, pending.userId, body, mfa.pendingLogins.keyOf(token));
  // Spent only now, by one request: of two that passed with different codes at once, one finishes.
  if ((await mfa.pendingLogins.take(token)) === undefined) {
    parts.emit({ type: 'mfa.failed', subject: pending.userId, method: 'mfa_token', reason: 'spent' });
    throw invalidMfaToken('spent');
  }
  await parts.loginThrottle.recordSuccess(attempt);
  const user = await parts.users.findById(pending.userId);
  if (user === null) throw invalidMfaToken('user_gone');
  const federated = pending.amr.includes('fed');
  parts.emit({
    type: 'login.succeeded',
    subject: user.id,
    method: federated ? 'oauth' : pending.issue === 'session' ? 'session' : 'password',
  });
  const response = await completeLogin(parts, request, user, {
    issue: pending.issue,
    amr: [...pending.amr, ...proof.amr],
    email: pending.email,
    method: federated ? 'oauth' : 'password',
    dpopKey,
  });
  if (proof.method === 'webauthn') response.cookies.push(parts.cookies.clear('webauthn'));
  return response;
}
