import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import { checkPasswordLogin } from '../check-password-login.js';
import { completeLogin, requireSecondStepIfEnrolled } from '../complete-login.js';
import { dpopKeyOf } from '../token-response.js';

/**
 * `POST /auth/login {email,password}` → 200 `{access_token, token_type, expires_in}` and both token cookies;
 * 401 `mfa_required` with an `mfa_token` instead when the account has a second factor. With a `DPoP` proof,
 * the tokens are bound to its key (`token_type: "DPoP"`, the refresh token in the body, no token cookie);
 * the proof is checked before the password, so a refused proof costs no login attempt.
 */
export async function login(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const dpopKey = await dpopKeyOf(parts, request);
  const { user, email } = await checkPasswordLogin(parts, request);
  await requireSecondStepIfEnrolled(parts, user, { issue: 'tokens', amr: ['pwd'], email });
  parts.emit({ type: 'login.succeeded', subject: user.id, method: 'password' });
  return completeLogin(parts, request, user, {
    issue: 'tokens',
    amr: ['pwd'],
    email,
    method: 'password',
    dpopKey,
  });
}
