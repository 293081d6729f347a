import { optionError } from '../lib/option-error.js';
import type { OidcProviderConfig } from './provider-config.js';

/** Options of `microsoftPreset()`. */
export interface MicrosoftPresetOptions {
  /**
   * The directory (tenant) id, a GUID, or `"consumers"` for personal Microsoft accounts. The multi-tenant
   * aliases `common` and `organizations` are refused: their ID tokens carry each user's own tenant as
   * `iss`, so no single issuer could be checked.
   */
  tenant: string;
  /** The application (client) id of the app registration. */
  clientId: string;
  clientSecret: string;
  /** Scopes besides `openid email`. Default `["profile"]`. */
  scopes?: readonly string[];
  /**
   * Also accept the optional claim `xms_edov: true` ("e-mail domain owner verified") when the token has no
   * `email_verified`. Microsoft Entra ID never sends `email_verified` for work and school accounts, so
   * without this (and the optional claim `xms_edov` added to the ID token in the app registration's
   * "Token configuration") such accounts cannot sign in. Default `false`.
   */
  acceptDomainOwnerVerified?: boolean;
  authorizationParams?: Readonly<Record<string, string>>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The tenant of personal Microsoft accounts: the issuer of their ID tokens. */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * Sign-in with Microsoft (Entra ID, v2.0 endpoints) for one tenant: an OpenID provider at
 * `https://login.microsoftonline.com/<tenant>/v2.0`, discovered at first use.
 *
 * @example createAuth({ …, oauth: { providers: { microsoft: microsoftPreset({ tenant, clientId, clientSecret }) } } })
 */
export function microsoftPreset(options: MicrosoftPresetOptions): OidcProviderConfig {
  const { tenant } = options;
  if (typeof tenant !== 'string' || (tenant !== 'consumers' && !GUID.test(tenant))) {
    throw optionError(
      'microsoftPreset.tenant',
      'must be the directory (tenant) id, a GUID, or "consumers" (not common/organizations)',
      "copy the Directory (tenant) ID from the app's Entra overview",
    );
  }
  if (
    options.acceptDomainOwnerVerified !== undefined &&
    typeof options.acceptDomainOwnerVerified !== 'boolean'
  )
    throw optionError(
      'microsoftPreset.acceptDomainOwnerVerified',
      `must be a boolean, not ${typeof options.acceptDomainOwnerVerified}`,
      'omit it for false',
    );
  const tenantId = tenant === 'consumers' ? CONSUMERS_TENANT : tenant.toLowerCase();
  return {
    issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: options.scopes ?? ['profile'],
    emailVerifiedClaims: options.acceptDomainOwnerVerified
      ? ['email_verified', 'xms_edov']
      : ['email_verified'],
    ...(options.authorizationParams === undefined
      ? {}
      : { authorizationParams: options.authorizationParams }),
  };
}
