// @portcullis/core: what an application author writes in their own code, and nothing else.
//
// The rule, name by name: a name is here if an application calls it to put its auth together (createAuth,
// createResourceServer, the memory stores and user directory, the policy builders, key and password helpers,
// the memory mailer and default templates, the OAuth presets, the log redaction), catches it (AuthError,
// isAuthError, the codes), or names it as the type of one of those functions' parameters, options or results
// (CreateAuthOptions and the option types it is made of, Auth, AuthContext, Principal…). Everything else stays
// on its subpath:
// - the building blocks createAuth composes for you (issuers, verifiers, refresh/revocation/session
//   services, cookies, CSRF, rate limits, the secret sealer): `@portcullis/core/tokens`, `/refresh`, …;
// - what a store or mail package implements (SessionStore, ApiKeyRecord, KeyringStore…): `/stores`, `/keys`;
// - formats and constants (API-key layout, JWS algorithm lists, MESSAGES, DEFAULT_STATUS): their module;
// - request/response plumbing and what framework adapters are built from: `@portcullis/core/adapter`
//   (adapters import `@portcullis/core` and `@portcullis/core/adapter` only; architecture.test.ts checks it).
// A nested option type (e.g. Argon2Options inside PasswordHasherOptions) stays on its subpath: the option is
// typed in place, and `CreateAuthOptions['passwords']` names it.

export type { AccountOptions, Registration } from './auth/account-flow.js';
export type { MailOptions } from './auth/account-mail.js';
export type { AuthEvent } from './auth/auth-parts.js';
export type { AuthContext, AuthenticateOptions, CredentialSource } from './auth/authenticate.js';
export type { AuthMfaOptions, AuthStepUpOptions } from './auth/configure-mfa.js';
export type {
  Auth,
  AuthApiKeyOptions,
  AuthKeyOptions,
  AuthLoginOptions,
  AuthOAuthOptions,
  AuthSessionOptions,
  AuthTokenOptions,
  CreateAuthOptions,
} from './auth/create-auth.js';
export { createAuth } from './auth/create-auth.js';
export type { AuthUser, NewUser, UserDirectory, UserPatch, UserPrecondition } from './auth/user-directory.js';
export { createMemoryUserDirectory, meetsPrecondition } from './auth/user-directory.js';
export type { AuthClientOptions, ClientGrant, OAuthClientConfig } from './clients/client-registry.js';
export type { AuthCookieNames } from './cookies/cookie-names.js';
export {
  accessTokenHash,
  createDpopProver,
  createDpopVerifier,
  DPOP_ALGORITHMS,
  type DpopAlgorithm,
  type DpopCheck,
  type DpopCheckpoint,
  type DpopOptions,
  type DpopProofInput,
  type DpopProver,
  type DpopVerifier,
  jwkThumbprint,
} from './dpop/index.js';
export type { AuthErrorCode, AuthErrorOptions, ChallengeScheme } from './errors/auth-error.js';
export { AuthError, isAuthError } from './errors/auth-error.js';
export type { TrustProxy } from './http/trust-proxy.js';
export type { SigningAlgorithm } from './keys/algorithms.js';
export { generateSigningKey } from './keys/generate-key.js';
export { importHmacSecret } from './keys/import-hmac-secret.js';
export { importPemSigningKey } from './keys/import-pem.js';
export { importSigningKeySet } from './keys/import-signing-key-set.js';
export type { JsonWebKey } from './keys/jwk.js';
export type { KeyEncryptionKey } from './keys/key-encryption-key.js';
export { generateKeyEncryptionKey, importKeyEncryptionKey } from './keys/key-encryption-key.js';
export type { Keyring, KeyringOptions } from './keys/keyring.js';
export { createKeyring } from './keys/keyring.js';
export type { RemoteKeySetOptions } from './keys/remote-key-set.js';
export { createRemoteKeySet } from './keys/remote-key-set.js';
export type { KeyRotationOptions } from './keys/rotation-schedule.js';
export type { ImportKeyOptions, SigningKey } from './keys/signing-key.js';
export { importSigningKey } from './keys/signing-key.js';
export type { Clock } from './lib/clock.js';
export { parseDuration } from './lib/duration.js';
export { pinoRedactPaths } from './logging/pino-redact-paths.js';
export { redact } from './logging/redact.js';
export type { Mailer, MailMessage } from './mail/mailer.js';
export type { MemoryMailer } from './mail/memory-mailer.js';
export { createMemoryMailer } from './mail/memory-mailer.js';
export type { MailTemplates } from './mail/templates.js';
export { defaultMailTemplates } from './mail/templates.js';
export type { AuthenticationFacts, AuthenticationMethodReference } from './mfa/authentication-method.js';
export { ACR_MFA, ACR_SINGLE_FACTOR } from './mfa/authentication-method.js';
export type { FactorStatus, SecondFactors } from './mfa/second-factors.js';
export type { OAuthSettings } from './oauth/configure-login.js';
export type { GitHubPresetOptions } from './oauth/github-preset.js';
export { githubPreset } from './oauth/github-preset.js';
export type { GooglePresetOptions } from './oauth/google-preset.js';
export { googlePreset } from './oauth/google-preset.js';
export type { MicrosoftPresetOptions } from './oauth/microsoft-preset.js';
export { microsoftPreset } from './oauth/microsoft-preset.js';
export type { OAuthProviderConfig } from './oauth/provider-config.js';
export type {
  IntrospectionOptions,
  IntrospectionResourceServerOptions,
  IssuerConfig,
  IssuerResolver,
  JwtVerificationOptions,
  ManyIssuersOptions,
  ResolvedIssuersOptions,
  ResourceServer,
  ResourceServerCommonOptions,
  ResourceServerOptions,
  SingleIssuerOptions,
} from './oauth/resource-server.js';
export { createResourceServer } from './oauth/resource-server.js';
export type { PasswordHasher, PasswordHasherOptions } from './passwords/password-hasher.js';
export { createPasswordHasher } from './passwords/password-hasher.js';
export type { PasswordPolicy, PasswordPolicyOptions } from './passwords/password-policy.js';
export { createPasswordPolicy } from './passwords/password-policy.js';
export type { Policy, PolicyDefinition } from './policy/create-policy.js';
export { createPolicy, STEP_UP_REQUIRED } from './policy/create-policy.js';
export type { AcrRequirement, FreshAuthRequirement, Requirement } from './policy/requirement.js';
export {
  allOf,
  anyOf,
  requireAcr,
  requireFreshAuth,
  requirePermissions,
  requireRoles,
  requireScopes,
} from './policy/requirement.js';
export type { RoleDefinition } from './policy/role-table.js';
export type { AuthStores } from './stores/auth-stores.js';
export type { MemoryStoresOptions } from './stores/memory/create-memory-stores.js';
export { createMemoryStores } from './stores/memory/create-memory-stores.js';
export type { AuthMethod, Principal } from './tokens/principal.js';
