import type { AuthRequest, AuthResponse } from '../http/types.js';
import type { Callback } from '../lib/maybe-promise.js';
import type { Requirement } from '../policy/requirement.js';
import type { Principal } from '../tokens/principal.js';
import type { AuthContext, AuthenticateOptions } from './authenticate.js';
import type { AuthRoute } from './create-auth.js';

/**
 * What a framework adapter needs: `createAuth()`'s `Auth`, or a resource server (`createResourceServer()`),
 * which authenticates tokens from an external authorization server and serves no routes of its own.
 */
export interface AdapterAuth {
  /** The routes to mount (empty for a resource server). */
  readonly routes: readonly AuthRoute[];
  authenticate(request: AuthRequest, options?: AuthenticateOptions): Promise<AuthContext>;
  /**
   * `authenticate` for callback-style hooks (Express's `next`, Fastify's `done`): calls back synchronously
   * when nothing had to be awaited — a cached token checked against a memory revocation store — so that the
   * hot path of a protected route creates no promise at all.
   */
  authenticateCallback(
    request: AuthRequest,
    options: AuthenticateOptions | undefined,
    callback: Callback<AuthContext>,
  ): void;
  authorize(principal: Principal, requirement: Requirement): void;
  errorResponse(error: unknown): AuthResponse;
}
