export type { ClientCredentials, ClientCredentialsOptions } from './client-credentials.js';
export { createClientCredentials } from './client-credentials.js';
export type { OAuthSettings } from './configure-login.js';
export type { DiscoveryAlgorithm } from './discover.js';
export type { GitHubPresetOptions } from './github-preset.js';
export { githubPreset } from './github-preset.js';
export type { GooglePresetOptions } from './google-preset.js';
export { googlePreset } from './google-preset.js';
export type { MicrosoftPresetOptions } from './microsoft-preset.js';
export { microsoftPreset } from './microsoft-preset.js';
export type {
  OAuth2ProviderConfig,
  OAuthProviderConfig,
  OidcProviderConfig,
  ProviderEmail,
  UserEmailContext,
} from './provider-config.js';
export type { FetchLike } from './provider-http.js';
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
} from './resource-server.js';
export { createResourceServer } from './resource-server.js';
