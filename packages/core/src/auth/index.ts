export type { AuthClientOptions, ClientGrant, OAuthClientConfig } from '../clients/client-registry.js';
export type { AccountOptions, Registration } from './account-flow.js';
export type { MailOptions } from './account-mail.js';
export type { AuthEvent, AuthParts } from './auth-parts.js';
export type { AuthContext, AuthenticateOptions, CredentialSource } from './authenticate.js';
export type { AuthMfaOptions, AuthStepUpOptions } from './configure-mfa.js';
export type {
  Auth,
  AuthApiKeyOptions,
  AuthKeyOptions,
  AuthLoginOptions,
  AuthOAuthOptions,
  AuthRoute,
  AuthSessionOptions,
  AuthTokenOptions,
  CreateAuthOptions,
} from './create-auth.js';
export { createAuth } from './create-auth.js';
export type { AuthUser, NewUser, UserDirectory, UserPatch, UserPrecondition } from './user-directory.js';
export { createMemoryUserDirectory, meetsPrecondition } from './user-directory.js';
