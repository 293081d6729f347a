import type { AuthRequest, AuthResponse } from '../http/types.js';
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
  authorize(principal: Principal, requirement: Requirement): void;
  errorResponse(error: unknown): AuthResponse;
}
