import { AuthError } from '../errors/auth-error.js';
import { readRequestJson, stringField } from '../http/json-body.js';
import type { AuthRequest } from '../http/types.js';
import type { AuthParts } from './auth-parts.js';
import { parseEmail } from './email.js';
import type { AuthUser } from './user-directory.js';

const INVALID_CREDENTIALS = 'Invalid e-mail or password';

/**
 * Checks `{email, password}` for a login. The attempt is counted before the password is checked (so a
 * burst of parallel guesses cannot all get through) and refunded on success. An unknown e-mail and a wrong
 * password get the same 401 after the same argon2 work. A hash due for an upgrade is replaced on success.
 * The device cookie is earned only when the whole login completes (`completeLogin`).
 */
/** A password that passed: the user, and the e-mail as typed (what login throttling counts by). */
export interface PasswordLogin {
  readonly user: AuthUser;
  readonly email: string;
}

export async function checkPasswordLogin(parts: AuthParts, request: AuthRequest): Promise<PasswordLogin> {
  const body = readRequestJson(request);
  const email = parseEmail(stringField(body, 'email', 320));
  const password = body['password'];
  if (typeof password !== 'string' || password.length === 0)
    throw new AuthError('invalid_request', '"password" must be a non-empty string');
  // A device cookie earned by an earlier login to this account keeps its browser out of lockouts that
  // strangers cause elsewhere (it is still counted per address and per device).
  const device = parts.devices.verify(parts.cookies.read(request.headers).device, email);
  const attempt = { email, ip: request.ip ?? '', device };
  try {
    await parts.loginThrottle.attempt(attempt);
  } catch (error) {
    parts.emit({ type: 'login.failed', reason: 'rate_limited' });
    throw error;
  }
  let user: AuthUser | null;
  let result: Awaited<ReturnType<typeof parts.passwords.verify>>;
  try {
    user = await parts.users.findByEmail(email);
    result = await parts.passwords.verify(user?.passwordHash ?? null, password);
  } catch (error) {
    // No verdict on the password (the hashing queue was full, a store failed): not a failed guess.
    await parts.loginThrottle.refund(attempt).catch(() => undefined);
    throw error;
  }
  if (user === null || !result.valid) {
    parts.emit({ type: 'login.failed', reason: 'invalid_credentials' });
    throw new AuthError('invalid_credentials', INVALID_CREDENTIALS);
  }
  // Conditional on the hash just verified, so an upgrade can never bring back a password removed meanwhile.
  if (result.needsRehash)
    await parts.users.update(user.id, { passwordHash: result.newHash }, { passwordHash: user.passwordHash });
  await parts.loginThrottle.recordSuccess(attempt);
  return { user, email };
}

/**
 * Checks the password of a user who is already signed in (a password change, a reauthentication), counted
 * and refused exactly like a login's: a wrong one is 401 `invalid_credentials` and a `login.failed` event.
 */
export async function checkSignedInPassword(
  parts: AuthParts,
  request: AuthRequest,
  user: AuthUser,
  password: string,
  reason: string,
): Promise<void> {
  const device = parts.devices.verify(parts.cookies.read(request.headers).device, user.email);
  const attempt = { email: user.email, ip: request.ip ?? '', device };
  await parts.loginThrottle.attempt(attempt);
  const result = await parts.passwords.verify(user.passwordHash, password);
  if (!result.valid) {
    parts.emit({ type: 'login.failed', reason: 'invalid_credentials' });
    throw new AuthError('invalid_credentials', INVALID_CREDENTIALS, { reason });
  }
  await parts.loginThrottle.recordSuccess(attempt);
}
