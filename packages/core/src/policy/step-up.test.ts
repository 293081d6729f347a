import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/auth-error.js';
import { ACR_MFA, ACR_SINGLE_FACTOR, acrOf } from '../mfa/authentication-method.js';
import type { Principal } from '../tokens/principal.js';
import { createPolicy } from './create-policy.js';
import { allOf, anyOf, requireAcr, requireFreshAuth, requireRoles } from './requirement.js';

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const policy = createPolicy({}, { clock: () => NOW });
const principal = (claims: Record<string, unknown>, roles = ['user']): Principal =>
  Object.freeze({ subject: 'u1', roles, scopes: [], claims, tokenId: undefined, expiresAt: undefined });
const secondsAgo = (s: number) => Math.floor(NOW / 1000) - s;

function refusal(p: Principal, requirement: Parameters<typeof policy.enforce>[1]) {
  try {
    policy.enforce(p, requirement);
  } catch (error) {
    if (isAuthError(error)) return error;
    throw error;
  }
  return undefined;
}

describe('requireFreshAuth', () => {
  const fresh = requireFreshAuth({ maxAge: '10m' });

  it('passes an authentication at most maxAge old, and refuses an older one with 401 and max_age', () => {
    expect(fresh.maxAge).toBe(600);
    expect(policy.check(principal({ auth_time: secondsAgo(600) }), fresh)).toBe(true);
    const stale = refusal(principal({ auth_time: secondsAgo(601) }), fresh);
    expect(stale).toMatchObject({
      code: 'insufficient_user_authentication',
      status: 401,
      challenge: 'Bearer',
      challengeParams: { max_age: '600' },
      reason: 'stale_authentication',
    });
  });

  it('refuses a credential without auth_time, or with one that is not a number (an API key, a forged claim)', () => {
    for (const claims of [{}, { auth_time: String(secondsAgo(1)) }, { auth_time: null }])
      expect(policy.check(principal(claims), fresh), JSON.stringify(claims)).toBe(false);
  });

  it('refuses a nonsense maxAge at start-up', () => {
    expect(() => requireFreshAuth({ maxAge: 0 })).toThrow(TypeError);
    expect(() => requireFreshAuth({ maxAge: 'soon' })).toThrow(TypeError);
  });

  it('combines: a 403 for a missing role wins over step-up only when it comes first', () => {
    const adminRecently = allOf(requireRoles('admin'), fresh);
    expect(refusal(principal({ auth_time: secondsAgo(900) }), adminRecently)?.code).toBe(
      'insufficient_scope',
    );
    const staleAdmin = refusal(principal({ auth_time: secondsAgo(900) }, ['admin']), adminRecently);
    expect(staleAdmin?.challengeParams).toEqual({ max_age: '600' });
    expect(
      policy.check(principal({ auth_time: secondsAgo(900) }, ['admin']), anyOf(requireRoles('admin'), fresh)),
    ).toBe(true);
  });
});

describe('requireAcr', () => {
  it('passes a listed acr and refuses another with acr_values', () => {
    const mfa = requireAcr(ACR_MFA);
    expect(policy.check(principal({ acr: ACR_MFA }), mfa)).toBe(true);
    expect(refusal(principal({ acr: ACR_SINGLE_FACTOR }), mfa)).toMatchObject({
      code: 'insufficient_user_authentication',
      challengeParams: { acr_values: ACR_MFA },
      reason: 'insufficient_acr',
    });
    expect(policy.check(principal({}), mfa)).toBe(false);
  });

  it('derives acr from the methods: a second factor needs a first, or a passkey that verified its user', () => {
    expect(acrOf(['pwd'])).toBe(ACR_SINGLE_FACTOR);
    expect(acrOf(['otp'])).toBe(ACR_SINGLE_FACTOR);
    expect(acrOf(['hwk'])).toBe(ACR_SINGLE_FACTOR);
    expect(acrOf(['pwd', 'otp'])).toBe(ACR_MFA);
    expect(acrOf(['fed', 'otp'])).toBe(ACR_MFA);
    expect(acrOf(['hwk', 'user'])).toBe(ACR_MFA);
  });
});
