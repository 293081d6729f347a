// @portcullis/core/adapter: what framework adapters are built from, and nothing an application calls.
// An adapter imports `@portcullis/core` (what it shares with applications: AuthError, AuthContext,
// requireRoles…) and this entry point only; entry-points.architecture.test.ts fails on any other
// `@portcullis/core/…`. This entry point loads no native addon, so an edge adapter (Hono) takes its values
// from here, AuthError and the requirement builders included, and only types from the root, which composes
// password hashing (argon2).

export type { AuthRoute } from '../auth/create-auth.js';
export { AuthError, isAuthError } from '../errors/auth-error.js';
export { MAX_AUTH_BODY_BYTES } from '../http/json-body.js';
export {
  headersFromFetch,
  headersFromNode,
  headersFromRawHeaders,
  NodeAuthRequest,
  readBodyText,
  responseBodyText,
} from '../http/node-request.js';
export { SECURITY_HEADERS } from '../http/security-headers.js';
export type { AuthRequest, AuthResponse, RequestHeaders } from '../http/types.js';
export type { MaybePromise } from '../lib/maybe-promise.js';
export { isThenable } from '../lib/maybe-promise.js';
export { optionError } from '../lib/option-error.js';
export {
  isRequirement,
  requireAcr,
  requireFreshAuth,
  requireRoles,
  requireScopes,
} from '../policy/requirement.js';
export type { AdapterAuth } from './adapter-auth.js';
export { assertAdapterAuth, assertRequirement, resolveVia } from './adapter-options.js';
export { authenticateNow } from './authenticate-now.js';
