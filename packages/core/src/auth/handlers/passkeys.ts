import { AuthError } from '../../errors/auth-error.js';
import { readRequestJson } from '../../http/json-body.js';
import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import { type Authenticate, signedInUser } from '../authenticate.js';
import { completeLogin } from '../complete-login.js';
import { json, noContent } from '../respond.js';
import { secondFactorsOf, signedInForFactors } from '../second-factor-proof.js';
import { dpopKeyOf } from '../token-response.js';
import { withCookies } from '../with-cleared-cookies.js';

const MAX_NAME_LENGTH = 64;

function passkeyRefused(reason: string): AuthError {
  return new AuthError('invalid_credentials', 'Passkey not accepted', { reason });
}

/**
 * `POST /auth/passkeys/register/options` (signed in) → 200 `PublicKeyCredentialCreationOptionsJSON`, and
 * the cookie binding its challenge to this browser for five minutes.
 */
export async function passkeyRegistrationOptions(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request);
  const user = await signedInUser(parts, principal.subject);
  const { options, binding } = await mfa.passkeyRegistrationOptions(user);
  return json(200, options, [parts.cookies.set('webauthn', binding)]);
}

/**
 * `POST /auth/passkeys/register {response, name?}` (signed in) → 201 `{id, name, created_at, recovery_codes}`:
 * the passkey is stored (public key, sign count, transports, backup flags); a first factor brings ten
 * recovery codes, shown this once (`[]` when the user already has codes). 400 `invalid_request` for a response that
 * does not verify (wrong origin or RP ID, another or a spent challenge, another browser's).
 */
export async function registerPasskey(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request);
  const body = readRequestJson(request);
  const name = body['name'] ?? 'Passkey';
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH)
    throw new AuthError('invalid_request', `"name" must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  if (typeof body['response'] !== 'object' || body['response'] === null)
    throw new AuthError('invalid_request', '"response" must be the credential as JSON');
  const binding = parts.cookies.read(request.headers).webauthn;
  const registered = await mfa.registerPasskey(principal.subject, binding, body['response'], name);
  const clear = [parts.cookies.clear('webauthn')];
  if (registered === undefined)
    throw withCookies(
      new AuthError('invalid_request', 'Passkey registration not accepted', {
        reason: 'registration_refused',
      }),
      clear,
    );
  parts.emit({ type: 'passkey.registered', subject: principal.subject });
  parts.emit({ type: 'mfa.enrolled', subject: principal.subject, method: 'webauthn' });
  const { passkey, recoveryCodes } = registered;
  return json(
    201,
    {
      id: passkey.id,
      name: passkey.name,
      created_at: new Date(passkey.createdAt).toISOString(),
      recovery_codes: recoveryCodes,
    },
    clear,
  );
}

/** `DELETE /auth/passkeys/:id` (signed in, recently) → 204; 404 for a passkey that is not the user's. */
export async function removePasskey(
  parts: AuthParts,
  authenticate: Authenticate,
  request: AuthRequest,
): Promise<AuthResponse> {
  const { mfa, principal } = await signedInForFactors(parts, authenticate, request, 'passkey.remove');
  const id = request.params?.['id'];
  if (typeof id !== 'string' || !(await mfa.removePasskey(principal.subject, id)))
    throw new AuthError('not_found', 'Passkey not found');
  return noContent();
}

/**
 * `POST /auth/passkeys/login/options {mfa_token?}` → 200 `PublicKeyCredentialRequestOptionsJSON` and the
 * challenge's cookie. With an `mfa_token`: the pending login's user's passkeys, for `/auth/mfa/verify`;
 * without: any discoverable passkey, for `/auth/passkeys/login`.
 */
export async function passkeyLoginOptions(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const mfa = secondFactorsOf(parts);
  const body = readRequestJson(request);
  const token = body['mfa_token'];
  let pending: { userId: string; key: string } | undefined;
  if (token !== undefined) {
    const login = await mfa.pendingLogins.peek(token);
    if (login === undefined || typeof token !== 'string')
      throw new AuthError('invalid_grant', 'Invalid or expired mfa_token', { reason: 'unknown_or_expired' });
    pending = { userId: login.userId, key: mfa.pendingLogins.keyOf(token) };
  }
  const { options, binding } = await mfa.passkeyLoginOptions(pending);
  return json(200, options, [parts.cookies.set('webauthn', binding)]);
}

/**
 * `POST /auth/passkeys/login {response, session?}` → a passwordless sign-in: 200 like login (or 204 and a
 * session with `session: true`), `amr ["hwk","user"]`. The authenticator must have verified its user (PIN,
 * biometrics); 401 `invalid_credentials` for an assertion that does not verify, names an unknown
 * credential, or whose sign count went backwards.
 */
export async function passkeyLogin(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const mfa = secondFactorsOf(parts);
  const body = readRequestJson(request);
  if (typeof body['response'] !== 'object' || body['response'] === null)
    throw new AuthError('invalid_request', '"response" must be the credential as JSON');
  if (body['session'] !== undefined && typeof body['session'] !== 'boolean')
    throw new AuthError('invalid_request', '"session" must be a boolean');
  const dpopKey = await dpopKeyOf(parts, request);
  const clear = parts.cookies.clear('webauthn');
  const verified = await mfa.verifyPasskey(parts.cookies.read(request.headers).webauthn, body['response'], {
    requireUserVerification: true,
  });
  const user = verified === undefined ? null : await parts.users.findById(verified.userId);
  if (verified === undefined || user === null) {
    parts.emit({
      type: 'mfa.failed',
      subject: undefined,
      method: 'webauthn',
      reason: 'passwordless_refused',
    });
    throw withCookies(passkeyRefused('assertion_refused'), [clear]);
  }
  parts.emit({ type: 'mfa.verified', subject: user.id, method: 'webauthn' });
  parts.emit({ type: 'login.succeeded', subject: user.id, method: 'passkey' });
  const response = await completeLogin(parts, request, user, {
    issue: body['session'] === true ? 'session' : 'tokens',
    amr: ['hwk', 'user'],
    email: user.email,
    method: 'passkey',
    dpopKey,
  });
  response.cookies.push(clear);
  return response;
}
