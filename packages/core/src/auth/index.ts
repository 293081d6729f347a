export type { AdapterAuth } from './adapter-auth.js';
export type { AuthEvent, AuthParts } from './auth-parts.js';
export type { AuthContext, AuthenticateOptions, CredentialSource } from './authenticate.js';
export type { Auth, AuthRoute, CreateAuthOptions } from './create-auth.js';
export { createAuth } from './create-auth.js';
export type { AuthUser, UserDirectory } from './user-directory.js';
export { createMemoryUserDirectory } from './user-directory.js';
