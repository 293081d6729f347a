import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson, stringField } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import { clientAddress } from '../../ratelimit/client-address.js';
import type { AccountFlow } from '../account-flow.js';
import type { AuthParts } from '../auth-parts.js';
import { parseEmail } from '../email.js';
import { json } from '../respond.js';
import { sendBestEffort } from '../send-mail.js';
import { userBody } from '../user-body.js';

/**
 * `POST /auth/register {email,password}` → 201 `{id,email,role:"user",email_verified:false}`, and a
 * verification mail; 400 `weak_password`; 409 `email_taken`; 429 past `accounts.registerLimit` an hour per
 * client address; 404 `not_found` while registration is closed.
 *
 * A new account is unverified and has the role `user` whatever its e-mail: `roleFor` is asked only once the
 * address is proved (`/auth/verify-email`), so registering someone else's address first gains nothing.
 */
export async function register(
  parts: AuthParts,
  flow: AccountFlow,
  request: AuthRequest,
): Promise<AuthResponse> {
  // The same answer as a route that does not exist: a closed app does not advertise that it has accounts.
  if (flow.registration === 'closed')
    throw new AuthError('not_found', 'Not found', { reason: 'registration_closed' });
  const body = readRequestJson(request);
  const email = parseEmail(stringField(body, 'email', 320));
  const password = body['password'];
  if (typeof password !== 'string') throw new AuthError('invalid_request', '"password" must be a string');
  // Counted before anything is hashed: a flood of registrations is refused for the price of a counter.
  await flow.registerByAddress.consume(clientAddress(request.ip ?? '', 64));
  // The policy check comes before the e-mail lookup, so a weak password never reveals whether an account exists.
  const passwordHash = await parts.passwords.hash(password, { userInputs: [email] });
  const user = await parts.users.create({ email, passwordHash, role: 'user', emailVerified: false });
  if (user === null) throw new AuthError('email_taken', 'An account with this e-mail already exists');
  parts.emit({ type: 'user.registered', subject: user.id });
  const mail = flow.mail!; // open registration requires a mailer (checked by createAuth)
  const issued = await flow.tokens.issue(user, 'verify_email');
  await sendBestEffort(parts, 'verify_email', user.id, () => mail.verifyEmail(user, issued));
  return json(201, userBody(user));
}
