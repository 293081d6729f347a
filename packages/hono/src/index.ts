export type { AuthRoutesOptions } from './auth-routes.js';
export { authRoutes } from './auth-routes.js';
export {
  authenticate,
  authorize,
  protect,
  requireAcr,
  requireFreshAuth,
  requireRoles,
  requireScopes,
} from './authenticate.js';
export { notFound, onError } from './errors.js';
export { securityHeaders } from './security-headers.js';
export type { AuthenticatedEnv, Authenticator, AuthRouteSource } from './types.js';
