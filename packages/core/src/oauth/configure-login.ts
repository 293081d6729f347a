import { assertStrongHmacSecret, hmacSecretBytes } from '../keys/hmac-secret.js';
import type { Clock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import type { OAuthStateStore } from '../stores/oauth-state-store.js';
import type { RevocationStore } from '../stores/revocation-store.js';
import { createOAuthLogin, type OAuthLogin } from './oauth-login.js';
import type { OAuthProviderConfig } from './provider-config.js';
import type { FetchLike } from './provider-http.js';
import { stateSpender } from './spend-state.js';

/** Settings of the sign-in flow through OAuth providers (`createAuth`'s `oauth` option). */
export interface OAuthSettings {
  /**
   * Secret the state cookie is encrypted under (≥ 32 random bytes). Default: a key derived from
   * `apiKeys.pepper` (HKDF, so the two uses never share a key). Changing it only fails sign-ins in flight.
   */
  stateSecret?: string | Uint8Array;
  /** How long a started sign-in may take, seconds or `"10m"`. Default and maximum 10 minutes. */
  stateTtl?: number | string;
  /** Time allowed for each call to a provider (discovery, token, JWKS, UserInfo), seconds or `"10s"`. Default 10 seconds. */
  timeout?: number | string;
  /** Where the browser is sent after signing in: a path of this app. Default `"/"`. */
  redirectTo?: string;
  /** A `fetch` implementation for the calls to providers, e.g. through an outgoing proxy. Default the global `fetch`. */
  fetch?: FetchLike;
}

const MAX_STATE_TTL = 600;

/** The path a successful sign-in redirects to: same-origin only (no `//host`, no `/\host`, no scheme). */
function localPath(value: unknown): string {
  if (typeof value !== 'string' || !/^\/(?![/\\])[^\s]*$/.test(value))
    throw optionError(
      'oauth.redirectTo',
      'must be a path of this app',
      'such as "/" or "/welcome" (no scheme, no //host)',
    );
  return value;
}

/**
 * Checks `createAuth`'s OAuth options and builds the sign-in flow. Everything misused is a `TypeError`
 * here, at start-up; nothing is fetched.
 */
export function configureOAuthLogin(input: {
  providers: Readonly<Record<string, OAuthProviderConfig>> | undefined;
  settings: OAuthSettings | undefined;
  apiKeyPepper: string | Uint8Array;
  appOrigin: string | readonly string[];
  stores: { oauthStates?: OAuthStateStore | undefined; revocations: RevocationStore };
  clock: Clock;
}): { login: OAuthLogin; redirectTo: string } {
  const settings = input.settings ?? {};
  const providers = input.providers ?? {};
  if (typeof providers !== 'object' || providers === null || Array.isArray(providers))
    throw optionError(
      'oauth.providers',
      'must be an object of providers by name',
      'such as { google: googlePreset({ … }) }',
    );
  const stateTtl = parseDuration(settings.stateTtl ?? MAX_STATE_TTL, 'oauth.stateTtl');
  if (!Number.isInteger(stateTtl) || stateTtl < 1 || stateTtl > MAX_STATE_TTL)
    throw optionError(
      'oauth.stateTtl',
      'must be a whole number of seconds from 1 to 600 (10 minutes)',
      'omit it for 600',
    );
  const timeout = parseDuration(settings.timeout ?? 10, 'oauth.timeout');
  if (timeout <= 0 || timeout > 60)
    throw optionError(
      'oauth.timeout',
      'must be more than 0 and at most 60 seconds',
      'omit it for 10 seconds',
    );
  let secret: Uint8Array;
  if (settings.stateSecret === undefined) {
    secret = hmacSecretBytes(input.apiKeyPepper);
  } else {
    if (typeof settings.stateSecret !== 'string' && !(settings.stateSecret instanceof Uint8Array))
      throw optionError(
        'oauth.stateSecret',
        `must be a string or a Uint8Array, not ${typeof settings.stateSecret}`,
        'omit it: it defaults to a key derived from apiKeys.pepper',
      );
    secret = hmacSecretBytes(settings.stateSecret);
    assertStrongHmacSecret(secret);
  }
  const firstOrigin = typeof input.appOrigin === 'string' ? input.appOrigin : input.appOrigin[0];
  let origin: string;
  try {
    origin = new URL(firstOrigin ?? '').origin;
  } catch {
    throw optionError(
      'appOrigin',
      'is not an origin (the OAuth redirect URI is built on it)',
      'give one such as https://app.example',
    );
  }
  if (origin === 'null')
    throw optionError('appOrigin', 'must be an http(s) origin', 'give one such as https://app.example');
  const login = createOAuthLogin({
    providers,
    origin,
    stateSecret: secret,
    stateTtl,
    timeoutMs: timeout * 1000,
    fetch: settings.fetch,
    spendState: stateSpender({ ...input.stores, clock: input.clock }),
    clock: input.clock,
  });
  return { login, redirectTo: localPath(settings.redirectTo ?? '/') };
}
