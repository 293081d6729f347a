/**
 * How a user authenticated, as RFC 8176 names it in `amr`: `pwd` a password, `otp` a one-time code (TOTP or
 * a recovery code), `hwk` a hardware-bound key (a passkey), `user` a user-presence or verification test,
 * and portcullis's own `fed` for a sign-in through an OAuth / OpenID provider.
 */
export type AuthenticationMethodReference = 'pwd' | 'otp' | 'hwk' | 'user' | 'fed';

/** `acr` of a sign-in with one factor: a password, or a provider. */
export const ACR_SINGLE_FACTOR = 'urn:portcullis:acr:1fa';
/** `acr` of a sign-in with two factors: a password and a code or passkey, or a passkey that verified its user. */
export const ACR_MFA = 'urn:portcullis:acr:mfa';

/** When and how a user authenticated: carried by access tokens, refresh families and sessions. */
export interface AuthenticationFacts {
  /** RFC 8176 method references, e.g. `["pwd","otp"]`. */
  readonly amr: readonly AuthenticationMethodReference[];
  /** `ACR_MFA` or `ACR_SINGLE_FACTOR`. */
  readonly acr: string;
  /** Seconds since the epoch (`auth_time`): the login or reauthentication, never a refresh. */
  readonly authTime: number;
}

/** The `acr` of a set of methods: two factors are a password or provider plus a code or key, or a verified key. */
export function acrOf(amr: readonly AuthenticationMethodReference[]): string {
  const methods = new Set(amr);
  const secondFactor = methods.has('otp') || methods.has('hwk');
  const firstFactor = methods.has('pwd') || methods.has('fed');
  const verifiedKey = methods.has('hwk') && methods.has('user');
  return (secondFactor && firstFactor) || verifiedKey ? ACR_MFA : ACR_SINGLE_FACTOR;
}

/** The facts of an authentication that happened at `nowMs` with `amr`. */
export function authenticatedNow(
  amr: readonly AuthenticationMethodReference[],
  nowMs: number,
): AuthenticationFacts {
  const methods = Object.freeze([...new Set(amr)]);
  return Object.freeze({ amr: methods, acr: acrOf(methods), authTime: Math.floor(nowMs / 1000) });
}

/** The claims of `facts` as tokens and session data carry them: `amr`, `acr`, `auth_time`. */
export function authenticationClaims(facts: AuthenticationFacts): {
  amr: string[];
  acr: string;
  auth_time: number;
} {
  return { amr: [...facts.amr], acr: facts.acr, auth_time: facts.authTime };
}

const KNOWN = new Set<string>(['pwd', 'otp', 'hwk', 'user', 'fed']);

/** Reads the facts back from stored data (a refresh family's, a session's); `undefined` when absent or malformed. */
export function authenticationFactsFrom(
  data: Readonly<Record<string, unknown>>,
): AuthenticationFacts | undefined {
  const { amr, acr, auth_time: authTime } = data;
  if (!Array.isArray(amr) || !amr.every((m) => typeof m === 'string' && KNOWN.has(m))) return undefined;
  if (typeof acr !== 'string' || typeof authTime !== 'number' || !Number.isFinite(authTime)) return undefined;
  return Object.freeze({ amr: Object.freeze([...amr]) as AuthenticationMethodReference[], acr, authTime });
}
