/** An e-mail address as an OAuth 2.0 provider without OpenID Connect reports it (e.g. GitHub's API). */
export interface ProviderEmail {
  readonly email: string;
  /** Whether the provider has verified that the user controls the address. Only `true` signs anyone in. */
  readonly verified: boolean;
  /**
   * The provider's stable id of the user (GitHub's numeric `id`, as a string). Required: accounts are found
   * by `(issuer, subject)`, never by an e-mail alone, which a provider may hand to someone else later.
   */
  readonly subject: string;
}

/** What an `OAuth2ProviderConfig.userEmail` lookup gets: the user's access token and a bounded `fetch`. */
export interface UserEmailContext {
  readonly accessToken: string;
  /** `fetch` with the sign-in timeout applied; https only (plain http to a loopback server only). */
  readonly fetch: (url: string, init?: RequestInit) => Promise<Response>;
}

interface ProviderClient {
  /** The client id registered with the provider. */
  clientId: string;
  /** The client secret, sent to the token endpoint with `client_secret_basic`. Never logged. */
  clientSecret: string;
  /**
   * How the secret reaches the token endpoint. Default `"client_secret_basic"` (RFC 6749 §2.3.1: id and
   * secret form-urlencoded, then Basic); `"client_secret_post"` only for a provider that cannot decode that.
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /**
   * Extra parameters of the authorization request, e.g. `{ prompt: 'select_account' }`. The protocol's own
   * (`client_id`, `redirect_uri`, `response_type`, `scope`, `state`, `nonce`, `code_challenge*`) cannot be set.
   */
  authorizationParams?: Readonly<Record<string, string>>;
}

/**
 * An OpenID Connect provider, found by discovery from its issuer URL
 * (`<issuer>/.well-known/openid-configuration`, fetched at the first sign-in and then kept).
 *
 * @example { issuer: 'https://idp.example', clientId: 'app', clientSecret: process.env.OIDC_CLIENT_SECRET! }
 */
export interface OidcProviderConfig extends ProviderClient {
  type?: 'oidc';
  /** The issuer identifier, exactly as the provider's metadata and ID tokens spell it. https (http only on loopback). */
  issuer: string;
  /** Requested scopes; `openid` and `email` are always requested. Default `["openid", "email"]`. */
  scopes?: readonly string[];
  /**
   * Boolean claims of which one must be JSON `true` for the e-mail to count as verified. Default
   * `["email_verified"]`. Whatever the list, an `email_verified` claim that is present and not `true`
   * refuses the sign-in.
   */
  emailVerifiedClaims?: readonly string[];
}

/**
 * A plain OAuth 2.0 provider (no OpenID Connect, so no ID token): endpoints given, and the user's e-mail
 * looked up with the access token (`githubPreset()` is one).
 *
 * @example { type: 'oauth2', issuer: 'https://github.com', authorizationEndpoint, tokenEndpoint, clientId, clientSecret, scopes: ['user:email'], userEmail }
 */
export interface OAuth2ProviderConfig extends ProviderClient {
  type: 'oauth2';
  /** The provider's identifier; an `iss` in its authorization response must equal it. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Requested scopes (enough to read the user's e-mail). */
  scopes: readonly string[];
  /** The user's id, primary e-mail and whether the provider verified it; `null` when there is none. */
  userEmail(context: UserEmailContext): Promise<ProviderEmail | null>;
}

/** One sign-in provider of `createAuth({ oauth: { providers } })`: an OpenID provider or a preset. */
export type OAuthProviderConfig = OidcProviderConfig | OAuth2ProviderConfig;
