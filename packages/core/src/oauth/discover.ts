import * as oauth from 'oauth4webapi';
import type { ProviderHttp } from './provider-http.js';
import { serverUrl } from './provider-http.js';

/** Which well-known document describes the server: OpenID Connect Discovery 1.0 or RFC 8414. */
export type DiscoveryAlgorithm = 'oidc' | 'oauth2';

const ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'userinfo_endpoint',
] as const satisfies readonly (keyof oauth.AuthorizationServer)[];

/**
 * Fetches and checks an authorization server's metadata: the document's `issuer` must be the one asked
 * for (OpenID Connect Discovery §4.3, RFC 8414 §3.3), and every endpoint used must be https (plain http
 * only on loopback). Rejects on a non-200 answer, a timeout or a malformed document.
 */
export async function discover(
  issuer: URL,
  http: ProviderHttp,
  algorithm: DiscoveryAlgorithm,
): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(issuer, { ...http.options<'GET'>(), algorithm });
  const metadata = await oauth.processDiscoveryResponse(issuer, response);
  for (const name of ENDPOINTS) {
    const value = metadata[name];
    if (value !== undefined) serverUrl(value, `the provider's ${name}`);
  }
  return metadata;
}
