import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson, stringField } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import { normaliseEmail } from '../email.js';
import { json } from '../respond.js';

/** `POST /auth/register {email,password}` → 201 `{id,email,role}`; 400 `weak_password`; 409 `email_taken`. */
export async function register(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const body = readRequestJson(request);
  const email = normaliseEmail(stringField(body, 'email', 320));
  const password = body['password'];
  if (typeof password !== 'string') throw new AuthError('invalid_request', '"password" must be a string');
  // The policy check comes before the e-mail lookup, so a weak password never reveals whether an account exists.
  const passwordHash = await parts.passwords.hash(password, { userInputs: [email] });
  const role = parts.roleFor(email);
  const user = await parts.users.create({ email, passwordHash, role });
  if (user === null) throw new AuthError('email_taken', 'An account with this e-mail already exists');
  parts.emit({ type: 'user.registered', subject: user.id });
  return json(201, { id: user.id, email: user.email, role: user.role });
}
