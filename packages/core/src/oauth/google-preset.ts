import type { OidcProviderConfig } from './provider-config.js';

/** Options of `googlePreset()`. */
export interface GooglePresetOptions {
  /** The OAuth client id from Google Cloud Console (APIs & Services → Credentials). */
  clientId: string;
  clientSecret: string;
  /** Scopes besides `openid email`. Default `["profile"]`. */
  scopes?: readonly string[];
  /** Extra authorization parameters, e.g. `{ prompt: 'select_account' }` or `{ hd: 'example.com' }` (a hint only). */
  authorizationParams?: Readonly<Record<string, string>>;
}

/**
 * Sign-in with Google: an OpenID provider at `https://accounts.google.com`, discovered at first use. Google
 * puts `email` and a boolean `email_verified` in the ID token.
 *
 * @example createAuth({ …, oauth: { providers: { google: googlePreset({ clientId, clientSecret }) } } })
 */
export function googlePreset(options: GooglePresetOptions): OidcProviderConfig {
  return {
    issuer: 'https://accounts.google.com',
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: options.scopes ?? ['profile'],
    ...(options.authorizationParams === undefined
      ? {}
      : { authorizationParams: options.authorizationParams }),
  };
}
