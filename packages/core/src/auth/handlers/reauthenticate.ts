import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import {
  ACR_MFA,
  type AuthenticationMethodReference,
  acrOf,
  authenticatedNow,
  authenticationClaims,
} from '../../mfa/authentication-method.js';
import type { AuthParts } from '../auth-parts.js';
import { type Authenticate, signedInUser, USER_CREDENTIALS } from '../authenticate.js';
import { boundKeyOf } from '../authenticate-dpop.js';
import { checkSignedInPassword } from '../check-password-login.js';
import { noContent } from '../respond.js';
import { offersSecondFactor, proveSecondFactor } from '../second-factor-proof.js';
import { tokenResponse } from '../token-response.js';

/**
 * `POST /auth/reauthenticate {password?, code? | recovery_code? | webauthn?}` (signed in; the CSRF rule
 * applies to cookies) → proves the user is still there, for step-up: a user without a second factor gives
 * the password; a user with one gives the password and a code, or a passkey that verifies its user. Answers
 * 200 `{access_token,…}` and a fresh access cookie (same refresh family: the session goes on), or for a
 * cookie session 204 and a new session id; either carries `auth_time` of now. A user with a second factor
 * who gives only the password gets 401 `mfa_required` (no `mfa_token`: the signed-in request is the token).
 */
export async function reauthenticate(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request, USER_CREDENTIALS);
  const user = await signedInUser(parts, principal.subject);
  const body = readRequestJson(request);
  const methods = (await parts.mfa?.methodsOf(user.id)) ?? [];
  const amr: AuthenticationMethodReference[] = [];
  if (body['password'] !== undefined || !offersSecondFactor(body)) {
    const password = body['password'];
    if (typeof password !== 'string' || password.length === 0)
      throw new AuthError('invalid_request', '"password" must be a non-empty string');
    await checkSignedInPassword(parts, request, user, password, 'reauth_wrong_password');
  }
  if (body['password'] !== undefined) amr.push('pwd');
  if (methods.length > 0 && offersSecondFactor(body))
    amr.push(...(await proveSecondFactor(parts, request, user.id, body, undefined)).amr);
  if (amr.length === 0) throw new AuthError('invalid_request', '"password" must be a non-empty string');
  if (methods.length > 0 && acrOf(amr) !== ACR_MFA)
    throw new AuthError('mfa_required', 'A second factor is required too', {
      reason: 'reauth_second_factor_missing',
      body: { mfa_methods: methods },
    });

  const authentication = authenticatedNow(amr, parts.clock());
  if (principal.method === 'session') {
    // A new session id with the new facts; the old id ends, so nothing stale stays usable.
    const previous = parts.cookies.read(request.headers).session;
    if (previous !== undefined) await parts.sessions.destroy(previous);
    const session = await parts.sessions.create(user.id, {
      roles: [user.role],
      ...authenticationClaims(authentication),
    });
    return noContent([parts.cookies.set('session', session.id)]);
  }
  const sessionId = (principal as { sessionId?: string }).sessionId;
  // A DPoP client's fresh token stays bound to the key its request proved.
  const jkt = principal.method === 'dpop' ? boundKeyOf(principal) : undefined;
  const access = await parts.accessTokens.issue({
    subject: user.id,
    roles: [user.role],
    ...(sessionId === undefined ? {} : { sessionId }),
    authentication,
    ...(jkt === undefined ? {} : { confirmation: { jkt } }),
  });
  return tokenResponse(parts, access, { bound: jkt !== undefined });
}
