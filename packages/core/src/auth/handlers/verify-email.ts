import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AccountFlow } from '../account-flow.js';
import type { AuthParts } from '../auth-parts.js';
import type { Authenticate } from '../authenticate.js';
import { json } from '../respond.js';
import { userBody } from '../user-body.js';
import { markEmailVerified } from '../verify-account.js';

const USER_CREDENTIALS = { via: ['bearer', 'cookie', 'session'] } as const;

/** The one refusal of a verification or reset link, whatever was wrong with it (spent, expired, unknown…). */
export function invalidLink(reason: string): AuthError {
  return new AuthError('invalid_grant', 'Invalid or expired link', { status: 400, reason });
}

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
  const user = await parts.users.findById(principal.subject);
  if (user === null)
    throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer', reason: 'user_gone' });
  if (!user.emailVerified) {
    const issued = await flow.tokens.issue(user, 'verify_email');
    // Asked for explicitly: a mail that could not be sent is the answer's failure (503), not a silent 202.
    try {
      await flow.mail!.verifyEmail(user, issued);
    } catch (error) {
      parts.emit({
        type: 'mail.failed',
        kind: 'verify_email',
        subject: user.id,
        name: (error as Error)?.name ?? 'unknown',
      });
      throw new AuthError('temporarily_unavailable', 'The mail could not be sent; try again later', {
        retryAfter: 60,
        reason: 'mail_failed',
        cause: error,
      });
    }
  }
  return json(202, {});
}
