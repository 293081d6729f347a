export { AuthExceptionFilter } from './auth-exception-filter.js';
export { AuthGuard } from './auth-guard.js';
export type { AuthenticatedRequest } from './decorators.js';
export {
  Acr,
  Credentials,
  CurrentPrincipal,
  FreshAuth,
  Public,
  principalOf,
  Requires,
  Roles,
  Scopes,
} from './decorators.js';
export type { PortcullisModuleOptions } from './options.js';
export { PORTCULLIS_OPTIONS } from './options-token.js';
export type { PortcullisModuleAsyncOptions } from './portcullis-module.js';
export { PortcullisModule } from './portcullis-module.js';
