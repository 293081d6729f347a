import type * as oauth from 'oauth4webapi';
import { oauthRefusal } from './refusal.js';

// Asymmetric algorithms portcullis verifies ID tokens with. Never `none`, never an HMAC algorithm: a client
// secret is not a key anyone should be able to mint identities with.
const ASYMMETRIC = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

/**
 * The algorithms an ID token of this provider may be signed with: the metadata's
 * `id_token_signing_alg_values_supported` (RS256 when absent, OpenID Connect Discovery §3), minus `none`
 * and every symmetric algorithm.
 */
export function idTokenAlgorithms(metadata: oauth.AuthorizationServer): ReadonlySet<string> {
  const listed = metadata.id_token_signing_alg_values_supported;
  const candidates = Array.isArray(listed) ? listed : ['RS256'];
  return new Set(candidates.filter((alg) => ASYMMETRIC.has(alg)));
}

function headerOf(jwt: string): Record<string, unknown> {
  try {
    const header: unknown = JSON.parse(
      Buffer.from(jwt.slice(0, jwt.indexOf('.')), 'base64url').toString('utf8'),
    );
    if (typeof header === 'object' && header !== null && !Array.isArray(header))
      return header as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw oauthRefusal('id_token_malformed');
}

/**
 * What oauth4webapi leaves to the caller, checked before any account is touched (OpenID Connect Core
 * §3.1.3.7): the algorithm is one the provider signs with and asymmetric (the signature itself is checked
 * against `jwks_uri` by `validateApplicationLevelSignature`); an `azp`, when present, names this client
 * even with a single audience; `iat` is not in the future.
 */
export function checkIdToken(
  idToken: string,
  claims: oauth.IDToken,
  context: {
    metadata: oauth.AuthorizationServer;
    clientId: string;
    nowSeconds: number;
    toleranceSeconds: number;
  },
): void {
  const alg = headerOf(idToken)['alg'];
  if (typeof alg !== 'string' || !idTokenAlgorithms(context.metadata).has(alg))
    throw oauthRefusal('id_token_algorithm');
  if (claims.azp !== undefined && claims.azp !== context.clientId)
    throw oauthRefusal('id_token_azp_mismatch');
  if (typeof claims.iat !== 'number' || claims.iat > context.nowSeconds + context.toleranceSeconds)
    throw oauthRefusal('id_token_iat_in_future');
}

/**
 * The verified e-mail in a set of claims (an ID token's or UserInfo's): `undefined` when there is no
 * `email` claim at all (then UserInfo is asked). Refuses an e-mail that is not a string, an
 * `email_verified` that is present and not the JSON boolean `true` (the string "true" included), and an
 * e-mail none of `verifiedClaims` marks `true`.
 */
export function verifiedEmailOf(
  claims: Readonly<Record<string, unknown>>,
  verifiedClaims: readonly string[],
): string | undefined {
  const email = claims['email'];
  if (email === undefined) return undefined;
  if (typeof email !== 'string' || email.length === 0) throw oauthRefusal('email_malformed');
  if (claims['email_verified'] !== undefined && claims['email_verified'] !== true)
    throw oauthRefusal('email_unverified');
  if (!verifiedClaims.some((claim) => claims[claim] === true)) throw oauthRefusal('email_unverified');
  return email;
}
