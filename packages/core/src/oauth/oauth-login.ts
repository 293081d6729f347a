import * as oauth from 'oauth4webapi';
import type { AuthRequest } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { sha256 } from '../lib/hash.js';
import { optionError } from '../lib/option-error.js';
import { checkIdToken, verifiedEmailOf } from './id-token-checks.js';
import type { OAuthProviderConfig } from './provider-config.js';
import type { FetchLike } from './provider-http.js';
import { oauthRefusal, toOAuthRefusal } from './refusal.js';
import { type ResolvedProvider, resolveProvider } from './resolve-provider.js';
import { createStateCookies } from './state-cookie.js';

/** Who signed in, as the provider vouched for them. */
export interface OAuthIdentity {
  readonly provider: string;
  /** The provider's issuer identifier: with `subject`, the stable name of the account there. */
  readonly issuer: string;
  /** The provider's id of the account: the ID token's `sub`, or an OAuth 2.0 provider's user id. */
  readonly subject: string;
  /** The e-mail address the provider verified, as it spelled it. */
  readonly email: string;
}

export interface OAuthSignInFlowOptions {
  providers: Readonly<Record<string, OAuthProviderConfig>>;
  /** The app's origin: the redirect URI is `<origin>/auth/oauth/<provider>/callback`. */
  origin: string;
  /** Key material of the state cookie's encryption (≥ 32 bytes, checked by the caller). */
  stateSecret: Uint8Array;
  /** Seconds a started sign-in stays valid. */
  stateTtl: number;
  /** Milliseconds each call to a provider may take. */
  timeoutMs: number;
  fetch: FetchLike | undefined;
  /** Marks a state as spent until its expiry; resolves `true` only the first time (atomic where the store is). */
  spendState(key: string, expiresAt: number): Promise<boolean>;
  clock: Clock;
}

/** The two halves of an authorization-code sign-in with PKCE, framework-neutral. */
export interface OAuthLogin {
  has(provider: string): boolean;
  /** Starts a sign-in: the authorization URL to redirect to, and the state cookie to set. */
  start(provider: string): Promise<{ location: string; cookie: string }>;
  /** Completes a sign-in from the callback request, or throws 400 `invalid_request`. The state is spent either way. */
  finish(provider: string, request: AuthRequest): Promise<OAuthIdentity>;
  /** The `Set-Cookie` value deleting the provider's state cookie. */
  clearCookie(provider: string): string;
}

// ID tokens are used once, right after they were issued; the tolerance absorbs a provider's clock skew.
const CLOCK_TOLERANCE_SECONDS = 30;

// A lone UTF-16 surrogate: a store's driver would replace it (two subjects could become one) or never match it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The provider's id of the user, as accounts are found by it: present, at most 255 characters (OpenID
 * Connect Core §2), and well-formed text.
 */
function checkedSubject(subject: unknown): string {
  if (typeof subject !== 'string' || subject === '') throw oauthRefusal('subject_missing');
  if (subject.length > 255 || LONE_SURROGATE.test(subject)) throw oauthRefusal('subject_malformed');
  return subject;
}

/**
 * The query of a request target, read without `new URL()`: a target it cannot parse (`http://[?state=…`) would
 * throw a `TypeError`, a 500, where any target must be a 400 at worst.
 */
function queryOf(target: string): URLSearchParams {
  const start = target.indexOf('?');
  if (start === -1) return new URLSearchParams();
  const end = target.indexOf('#', start);
  return new URLSearchParams(target.slice(start + 1, end === -1 ? undefined : end));
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

/**
 * Creates the relying-party side of the sign-in flows (OAuth 2.0 authorization code with PKCE S256,
 * OpenID Connect on top where the provider speaks it), on oauth4webapi.
 *
 * `start` generates `state`, `nonce` and a PKCE verifier and seals them into the provider's state cookie.
 * `finish` opens that cookie, refuses it expired, spends its `state` (single use, even when what follows
 * fails), compares it with the callback's, checks RFC 9207's `iss` when the provider announces it, redeems
 * the code with `client_secret_basic`, and for an OpenID provider validates the ID token (signature against
 * `jwks_uri` — also for a token straight from the token endpoint — algorithm, `iss`, `aud`, `azp`, `exp`,
 * `iat`, `nonce`) before taking a verified e-mail from it or from UserInfo (whose `sub` must match).
 */
export function createOAuthLogin(options: OAuthSignInFlowOptions): OAuthLogin {
  const { clock, stateTtl } = options;
  const transport = { timeoutMs: options.timeoutMs, fetch: options.fetch };
  const providers = new Map<string, ResolvedProvider>();
  for (const [name, config] of Object.entries(options.providers))
    providers.set(name, resolveProvider(name, config, transport));
  const cookies = createStateCookies({ secret: options.stateSecret, maxAge: stateTtl });
  const redirectUri = (name: string) => `${options.origin}/auth/oauth/${name}/callback`;

  function providerOf(name: string): ResolvedProvider {
    const provider = providers.get(name);
    if (provider === undefined)
      throw optionError(
        'OAuth provider',
        `${JSON.stringify(name)} is not configured`,
        'configure it among the providers',
      );
    return provider;
  }

  /** The client as oauth4webapi sees it, its clock aligned on ours (so an injected clock governs expiry too). */
  function clientAt(provider: ResolvedProvider, now: number): oauth.Client {
    return {
      ...provider.client,
      [oauth.clockSkew]: Math.round((now - Date.now()) / 1000),
      [oauth.clockTolerance]: CLOCK_TOLERANCE_SECONDS,
    };
  }

  async function openIdEmail(
    provider: ResolvedProvider,
    metadata: oauth.AuthorizationServer,
    client: oauth.Client,
    tokenResponse: Response,
    result: oauth.TokenEndpointResponse,
    now: number,
  ): Promise<{ email: string; subject: string }> {
    const claims = oauth.getValidatedIdTokenClaims(result);
    if (claims === undefined || result.id_token === undefined) throw oauthRefusal('id_token_missing');
    checkIdToken(result.id_token, claims, {
      metadata,
      clientId: provider.client.client_id,
      nowSeconds: Math.floor(now / 1000),
      toleranceSeconds: CLOCK_TOLERANCE_SECONDS,
    });
    if (metadata.jwks_uri === undefined) throw oauthRefusal('no_jwks_uri');
    // oauth4webapi trusts TLS for a token from the token endpoint; the contract wants the signature checked.
    await oauth.validateApplicationLevelSignature(metadata, tokenResponse, provider.http.options<'GET'>());

    const fromIdToken = verifiedEmailOf(claims, provider.emailVerifiedClaims);
    if (fromIdToken !== undefined) return { email: fromIdToken, subject: claims.sub };
    if (metadata.userinfo_endpoint === undefined) throw oauthRefusal('email_missing');
    const userInfoResponse = await oauth.userInfoRequest(
      metadata,
      client,
      result.access_token,
      provider.http.options<'GET'>(),
    );
    // The `sub` of UserInfo must be the ID token's (OpenID Connect Core §5.3.4): checked here.
    const userInfo = await oauth.processUserInfoResponse(metadata, client, claims.sub, userInfoResponse);
    const fromUserInfo = verifiedEmailOf(userInfo, provider.emailVerifiedClaims);
    if (fromUserInfo === undefined) throw oauthRefusal('email_missing');
    return { email: fromUserInfo, subject: claims.sub };
  }

  async function redeem(
    provider: ResolvedProvider,
    record: { state: string; nonce: string; codeVerifier: string },
    params: URLSearchParams,
  ): Promise<OAuthIdentity> {
    const metadata = await provider.metadata();
    const now = clock();
    const client = clientAt(provider, now);
    // Checks `state` again, refuses an `error` response, and RFC 9207's `iss` (required when announced).
    const callback = oauth.validateAuthResponse(metadata, client, params, record.state);
    const tokenResponse = await oauth.authorizationCodeGrantRequest(
      metadata,
      client,
      provider.clientAuth,
      callback,
      redirectUri(provider.name),
      record.codeVerifier,
      provider.http.options<'POST', URLSearchParams>(),
    );
    if (provider.kind === 'oidc') {
      const result = await oauth.processAuthorizationCodeResponse(metadata, client, tokenResponse, {
        expectedNonce: record.nonce,
        requireIdToken: true,
      });
      const { email, subject } = await openIdEmail(provider, metadata, client, tokenResponse, result, now);
      return { provider: provider.name, issuer: metadata.issuer, subject: checkedSubject(subject), email };
    }
    const result = await oauth.processAuthorizationCodeResponse(metadata, client, tokenResponse);
    const found = await provider.userEmail!({ accessToken: result.access_token, fetch: provider.http.fetch });
    if (found === null || typeof found !== 'object' || typeof found.email !== 'string' || found.email === '')
      throw oauthRefusal('email_missing');
    if (found.verified !== true) throw oauthRefusal('email_unverified');
    // Accounts are found by (issuer, subject): without a stable id, an e-mail alone would name the account.
    return {
      provider: provider.name,
      issuer: metadata.issuer,
      subject: checkedSubject(found.subject),
      email: found.email,
    };
  }

  return {
    has: (name) => providers.has(name),

    async start(name) {
      const provider = providerOf(name);
      let metadata: oauth.AuthorizationServer;
      try {
        metadata = await provider.metadata();
      } catch (error) {
        throw toOAuthRefusal(error);
      }
      if (typeof metadata.authorization_endpoint !== 'string')
        throw oauthRefusal('no_authorization_endpoint');
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const url = new URL(metadata.authorization_endpoint);
      for (const [key, value] of Object.entries(provider.authorizationParams))
        url.searchParams.set(key, value);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', provider.client.client_id);
      url.searchParams.set('redirect_uri', redirectUri(name));
      url.searchParams.set('scope', provider.scope);
      url.searchParams.set('state', state);
      if (provider.kind === 'oidc') url.searchParams.set('nonce', nonce);
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      const cookie = cookies.seal({
        provider: name,
        state,
        nonce,
        codeVerifier,
        expiresAt: clock() + stateTtl * 1000,
      });
      return { location: url.href, cookie };
    },

    async finish(name, request) {
      const provider = providerOf(name);
      const record = cookies.open(name, request.headers);
      if (record === undefined) throw oauthRefusal('state_cookie_missing');
      if (record.expiresAt <= clock()) throw oauthRefusal('state_expired');
      // Spent before anything else is looked at: a state is good for one attempt, successful or not.
      if (!(await options.spendState(sha256(`${name}:${record.state}`), record.expiresAt)))
        throw oauthRefusal('state_replayed');
      const params = queryOf(request.url);
      const state = single(params, 'state');
      if (state === undefined || !constantTimeEqual(state, record.state))
        throw oauthRefusal('state_mismatch');
      try {
        return await redeem(provider, record, params);
      } catch (error) {
        throw toOAuthRefusal(error);
      }
    },

    clearCookie: (name) => cookies.clear(name),
  };
}
