import type { AuthContext, AuthenticateOptions } from '../auth/authenticate.js';
import type { AuthRoute } from '../auth/create-auth.js';
import type { AuthRequest, AuthResponse } from '../http/types.js';
import type { Requirement } from '../policy/requirement.js';
import type { Principal } from '../tokens/principal.js';

/**
 * What a framework adapter needs, declared once: `createAuth()`'s `Auth` and `createResourceServer()`'s
 * `ResourceServer` both extend it, so that every adapter takes either. Request hooks authenticate through
 * `authenticateNow(auth, …)`, which answers without a promise when it can.
 *
 * @example
 * export function portcullis(auth: AdapterAuth): Portcullis { … }
 */
export interface AdapterAuth {
  /** Every route of the contract's auth flows, ready to mount; none for a resource server. */
  readonly routes: readonly AuthRoute[];
  /**
   * Authenticates a request; rejects with an `AuthError` (401 `invalid_token`, 400 for credentials in the
   * URL…). A resource server reads the `Authorization: Bearer` header only.
   */
  authenticate(request: AuthRequest, options?: AuthenticateOptions): Promise<AuthContext>;
  /** Throws 403 `insufficient_scope` unless the principal meets the requirement. */
  authorize(principal: Principal, requirement: Requirement): void;
  /** The contract's response for any error (an `AuthError`, or a bug answered 500). */
  errorResponse(error: unknown): AuthResponse;
}
