import { AuthError } from '../errors/auth-error.js';
import type { AuthRequest } from '../http/types.js';
import type { AuthenticationMethodReference } from '../mfa/authentication-method.js';
import type { SecondFactors } from '../mfa/second-factors.js';
import type { AuthParts } from './auth-parts.js';
import { type AuthContext, type Authenticate, USER_CREDENTIALS } from './authenticate.js';
import { enforceRecentAuthentication } from './step-up.js';

/** What a second factor proved: the methods to add to `amr`. */
export interface SecondFactorProof {
  readonly amr: AuthenticationMethodReference[];
  readonly method: 'totp' | 'recovery_code' | 'webauthn';
}

/** Whether a body offers a second factor at all. */
export function offersSecondFactor(body: Readonly<Record<string, unknown>>): boolean {
  return body['code'] !== undefined || body['recovery_code'] !== undefined || body['webauthn'] !== undefined;
}

/** The second factors of an app whose stores can hold them; 404 otherwise. */
export function secondFactorsOf(parts: AuthParts): SecondFactors {
  if (parts.mfa === undefined) throw new AuthError('not_found', 'Not found', { reason: 'mfa_store_missing' });
  return parts.mfa;
}

/**
 * What a factor-management route starts with: the second factors and the signed-in principal (as `/me`; the
 * CSRF rule for cookies). With `sensitiveAction`, only after a recent authentication (step-up).
 */
export async function signedInForFactors(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
  sensitiveAction?: string,
): Promise<{ mfa: SecondFactors; principal: AuthContext }> {
  const mfa = secondFactorsOf(parts);
  const principal = await authenticate(request, USER_CREDENTIALS);
  if (sensitiveAction !== undefined) enforceRecentAuthentication(parts, principal, sensitiveAction);
  return { mfa, principal };
}

/**
 * Checks the second factor a body offers for `subject` — `code` (TOTP), `recovery_code`, or `webauthn` (an
 * assertion for the browser's challenge, bound to `pendingLoginKey` when a login is waiting) — counted per
 * account first (429 past `mfa.maxFailures`), so that codes cannot be guessed at speed. A refusal is 401
 * `invalid_credentials`, the same for a wrong, replayed, out-of-window or spent code, and an `mfa.failed`
 * event; a pass resets the count and sends `mfa.verified` (and `mfa.recovery_used`).
 */
export async function proveSecondFactor(
  parts: AuthParts,
  request: AuthRequest,
  subject: string,
  body: Readonly<Record<string, unknown>>,
  pendingLoginKey: string | undefined,
): Promise<SecondFactorProof> {
  const mfa = secondFactorsOf(parts);
  const method =
    body['code'] !== undefined
      ? 'totp'
      : body['recovery_code'] !== undefined
        ? 'recovery_code'
        : body['webauthn'] !== undefined
          ? 'webauthn'
          : undefined;
  if (method === undefined)
    throw new AuthError('invalid_request', 'Give "code", "recovery_code" or "webauthn"');
  try {
    await parts.mfaThrottle.consume(subject);
  } catch (error) {
    parts.emit({ type: 'mfa.failed', subject, method, reason: 'rate_limited' });
    throw error;
  }
  let amr: AuthenticationMethodReference[] | undefined;
  if (method === 'totp') {
    if (await mfa.checkTotp(subject, body['code'])) amr = ['otp'];
  } else if (method === 'recovery_code') {
    const remaining = await mfa.useRecoveryCode(subject, body['recovery_code']);
    if (remaining !== undefined) {
      amr = ['otp'];
      parts.emit({ type: 'mfa.recovery_used', subject, remaining });
    }
  } else {
    const verified = await mfa.verifyPasskey(parts.cookies.read(request.headers).webauthn, body['webauthn'], {
      pendingLoginKey,
      userId: subject,
      requireUserVerification: false,
    });
    if (verified !== undefined && verified.userId === subject)
      amr = verified.userVerified ? ['hwk', 'user'] : ['hwk'];
  }
  if (amr === undefined) {
    parts.emit({ type: 'mfa.failed', subject, method, reason: 'refused' });
    throw new AuthError('invalid_credentials', 'Invalid code or passkey', { reason: `${method}_refused` });
  }
  await parts.mfaThrottle.reset(subject);
  parts.emit({ type: 'mfa.verified', subject, method });
  return { amr, method };
}
