import type { AuthRequest, AuthResponse } from '../../http/types.js';
import type { AuthParts } from '../auth-parts.js';
import { checkPasswordLogin } from '../check-password-login.js';
import { issueLoginTokens } from '../issue-login-tokens.js';

/** `POST /auth/login {email,password}` → 200 `{access_token, token_type, expires_in}` and both token cookies. */
export async function login(parts: AuthParts, request: AuthRequest): Promise<AuthResponse> {
  const { user, deviceCookie } = await checkPasswordLogin(parts, request);
  parts.emit({ type: 'login.succeeded', subject: user.id, method: 'password' });
  const response = await issueLoginTokens(parts, user, 'password');
  response.cookies.push(deviceCookie);
  return response;
}
