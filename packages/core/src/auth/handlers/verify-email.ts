import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AccountFlow } from '../account-flow.js';
import type { AuthParts } from '../auth-parts.js';
import { type Authenticate, signedInUser, USER_CREDENTIALS } from '../authenticate.js';
import { invalidLink } from '../one-time-tokens.js';
import { json } from '../respond.js';
import { sendBestEffort } from '../send-mail.js';
import { userBody } from '../user-body.js';
import { markEmailVerified } from '../verify-account.js';

/**
 * `POST /auth/verify-email {token}` → 200 `{id,email,role,email_verified:true}`; 400 `invalid_grant` for a
 * spent, expired, unknown or malformed token, or one mailed to an address the account no longer has.
 */
export async function verifyEmail(
  parts: AuthParts,
  flow: AccountFlow,
  request: AuthRequest,
): Promise<AuthResponse> {
  const body = readRequestJson(request);
  const record = await flow.tokens.consume(body['token'], 'verify_email');
  if (record === null) throw invalidLink('unknown_token');
  const user = await parts.users.findById(record.subject);
  if (user === null || user.email !== record.email) throw invalidLink('email_changed');
  return json(200, userBody(await markEmailVerified(parts, user)));
}

/**
 * `POST /auth/verify-email/resend` (signed in) → 202 `{}` and a new verification mail; the previous link
 * stops working. 429 past `accounts.resendLimit` an hour. A verified account gets the 202 and no mail.
 */
export async function resendVerification(
  parts: AuthParts,
  flow: AccountFlow,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const principal = await authenticate(request, USER_CREDENTIALS);
  await flow.resendLimit.consume(principal.subject);
  const user = await signedInUser(parts, principal.subject);
  if (!user.emailVerified) {
    const issued = await flow.tokens.issue(user, 'verify_email');
    // Asked for explicitly: a mail that could not be sent is the answer's failure (503), not a silent 202.
    const sent = await sendBestEffort(parts, 'verify_email', user.id, () =>
      flow.mail!.verifyEmail(user, issued),
    );
    if (!sent)
      throw new AuthError('temporarily_unavailable', 'The mail could not be sent; try again later', {
        retryAfter: 60,
        reason: 'mail_failed',
      });
  }
  return json(202, {});
}
