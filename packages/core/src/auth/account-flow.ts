import type { Clock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import { createRateLimit, type RateLimit } from '../ratelimit/create-rate-limit.js';
import type { RateLimiterFactory } from '../ratelimit/rate-limiter-factory.js';
import type { IdentityStore } from '../stores/identity-store.js';
import type { OneTimeTokenStore } from '../stores/one-time-token-store.js';
import { type AccountMail, createAccountMail, type MailOptions } from './account-mail.js';
import { createOneTimeTokens, type OneTimeTokens } from './one-time-tokens.js';

/** Whether `POST /auth/register` creates accounts. */
export type Registration = 'open' | 'closed';

/** Lifetimes and limits of the account flows (verification, reset). */
export interface AccountOptions {
  /** How long a verification link works, in seconds or as `"24h"`. Default 24 hours. */
  verificationTtl?: number | string;
  /** How long a reset link works, in seconds or as `"30m"`. Default 30 minutes. */
  resetTtl?: number | string;
  /** Verification mails one account may ask for per hour (`/auth/verify-email/resend`). Default 5. */
  resendLimit?: number;
  /** Reset requests per hour, counted per client address and per e-mail (`/auth/password/forgot`). Default 5. */
  forgotLimit?: number;
  /**
   * Registrations per hour per client address (`REGISTER_MAX_PER_IP`), counted before any password is
   * hashed, so that a flood of registrations cannot occupy the hashing threads logins need. Default 10.
   */
  registerLimit?: number;
}

/** What the account routes share, beyond the building blocks in `AuthParts`. */
export interface AccountFlow {
  readonly registration: Registration;
  /** `undefined` when no mailer is configured: the routes that mail a link are then not served. */
  readonly mail: AccountMail | undefined;
  readonly tokens: OneTimeTokens;
  /** Sign-in identities by `(issuer, subject)`. */
  readonly identities: IdentityStore;
  readonly resendLimit: RateLimit;
  readonly forgotByAddress: RateLimit;
  readonly forgotByEmail: RateLimit;
  readonly registerByAddress: RateLimit;
}

function perHour(value: number | undefined, name: string): number {
  const points = value ?? 5;
  if (!Number.isSafeInteger(points) || points < 1)
    throw optionError(`accounts.${name}`, 'must be a whole number ≥ 1 (requests per hour)', 'omit it for 5');
  return points;
}

function lifetime(value: number | string, name: string, max: number): number {
  const seconds = parseDuration(value, `accounts.${name}`);
  if (seconds < 60 || seconds > max)
    throw optionError(
      `accounts.${name}`,
      `must be between 1 minute and ${max / 3600} hours`,
      'omit it for the default',
    );
  return seconds;
}

/** Validates the account options once, at start-up. */
export function createAccountFlow(input: {
  registration: Registration | undefined;
  accounts: AccountOptions | undefined;
  mail: MailOptions | undefined;
  appOrigin: string | undefined;
  store: OneTimeTokenStore;
  identities: IdentityStore;
  limiterFactory: RateLimiterFactory | undefined;
  clock: Clock;
}): AccountFlow {
  const registration = input.registration ?? 'closed';
  if (registration !== 'open' && registration !== 'closed')
    throw optionError('registration', 'must be "open" or "closed"', 'omit it for "closed"');
  const mail = input.mail === undefined ? undefined : createAccountMail(input.mail, input.appOrigin);
  if (registration === 'open' && mail === undefined) {
    throw optionError(
      'registration',
      '"open" mails a verification link to every new account, and there is no mail option',
      'give createAuth a `mail: { mailer }`',
    );
  }
  const accounts = input.accounts ?? {};
  const limit = (points: number, keyPrefix: string) =>
    createRateLimit({ points, duration: 3600, keyPrefix, limiterFactory: input.limiterFactory });
  const forgot = perHour(accounts.forgotLimit, 'forgotLimit');
  return {
    registration,
    mail,
    identities: input.identities,
    tokens: createOneTimeTokens({
      store: input.store,
      clock: input.clock,
      ttl: {
        // A verification link may sit in an inbox for a while; a reset link grants a password and must not.
        verify_email: lifetime(accounts.verificationTtl ?? '24h', 'verificationTtl', 7 * 86_400),
        reset_password: lifetime(accounts.resetTtl ?? '30m', 'resetTtl', 86_400),
      },
    }),
    resendLimit: limit(perHour(accounts.resendLimit, 'resendLimit'), 'portcullis:verify-resend'),
    forgotByAddress: limit(forgot, 'portcullis:forgot:ip'),
    forgotByEmail: limit(forgot, 'portcullis:forgot:email'),
    registerByAddress: limit(
      perHour(accounts.registerLimit ?? 10, 'registerLimit'),
      'portcullis:register:ip',
    ),
  };
}
