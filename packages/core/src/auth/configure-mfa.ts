import { hmacSecretBytes } from '../keys/hmac-secret.js';
import type { Clock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import { createMfaKeys } from '../mfa/mfa-keys.js';
import { createSecondFactors, type SecondFactors } from '../mfa/second-factors.js';
import { type Requirement, requireFreshAuth } from '../policy/requirement.js';
import { createRateLimit, type RateLimit } from '../ratelimit/create-rate-limit.js';
import type { RateLimiterFactory } from '../ratelimit/rate-limiter-factory.js';
import type { MfaStore } from '../stores/mfa-store.js';

/** Second factors and passkeys (`createAuth`'s `mfa`). Everything has a default; `stores.mfa` turns them on. */
export interface AuthMfaOptions {
  /** The name authenticator apps show for the account (the otpauth URI's issuer) and the passkey RP name. Default: the app origin's host. */
  appName?: string;
  /**
   * WebAuthn relying-party ID: the host name passkeys are bound to (or a registrable suffix of it, to share
   * passkeys between subdomains). Default: the host name of the first `appOrigin`. Passkeys are accepted
   * from every `appOrigin`.
   */
  rpId?: string;
  /** Lifetime of the `mfa_token` between a login's two steps, in seconds or as `"5m"`. Default 5 minutes. */
  loginTtl?: number | string;
  /** Second-step attempts per account inside `window` before 429 (reset by a success). Default 5. */
  maxFailures?: number;
  /** Window of `maxFailures`. Default 15 minutes. */
  window?: number | string;
}

/** Step-up for the library's sensitive routes (`createAuth`'s `stepUp`). */
export interface AuthStepUpOptions {
  /**
   * How recently the user must have authenticated (login or `POST /auth/reauthenticate`) to change the
   * password, delete an API key, rotate signing keys or remove a second factor: seconds, `"10m"`, or `false`
   * for never. Default 10 minutes.
   */
  maxAge?: number | string | false;
}

export interface ConfiguredMfa {
  readonly mfa: SecondFactors | undefined;
  readonly mfaThrottle: RateLimit;
  readonly sensitiveActions: Requirement | undefined;
}

// A WebAuthn ceremony takes a user a minute at most.
const CEREMONY_TTL = 300;

export function configureMfa(input: {
  options: AuthMfaOptions | undefined;
  stepUp: AuthStepUpOptions | undefined;
  store: MfaStore | undefined;
  pepper: string | Uint8Array;
  previousPeppers: readonly (string | Uint8Array)[] | undefined;
  appOrigins: readonly string[];
  limiterFactory: RateLimiterFactory | undefined;
  clock: Clock;
}): ConfiguredMfa {
  const options = input.options ?? {};
  const firstOrigin = new URL(input.appOrigins[0]!);
  const loginTtl = parseDuration(options.loginTtl ?? '5m', 'mfa.loginTtl');
  if (loginTtl <= 0) throw optionError('mfa.loginTtl', 'must be more than 0', "omit it for '5m'");
  const rpId = options.rpId ?? firstOrigin.hostname;
  if (typeof rpId !== 'string' || rpId.length === 0)
    throw optionError('mfa.rpId', 'must be a host name', "such as 'example.com'");
  const maxAge = input.stepUp?.maxAge ?? '10m';
  const mfa =
    input.store === undefined
      ? undefined
      : createSecondFactors({
          store: input.store,
          keys: createMfaKeys(
            hmacSecretBytes(input.pepper),
            (input.previousPeppers ?? []).map((previous) => hmacSecretBytes(previous)),
          ),
          relyingParty: { name: options.appName ?? firstOrigin.host, id: rpId, origins: input.appOrigins },
          appName: options.appName ?? firstOrigin.host,
          pendingLoginTtl: loginTtl,
          ceremonyTtl: CEREMONY_TTL,
          clock: input.clock,
        });
  return {
    mfa,
    mfaThrottle: createRateLimit({
      points: options.maxFailures ?? 5,
      duration: options.window ?? '15m',
      keyPrefix: 'portcullis:mfa',
      limiterFactory: input.limiterFactory,
    }),
    sensitiveActions: maxAge === false ? undefined : requireFreshAuth({ maxAge }),
  };
}
