import { createPolicy, type Principal } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { DEMO_API_KEY_SCOPES, DEMO_POLICY } from './demo-policy.js';

const holding = (role: string): Principal => ({
  subject: '1',
  roles: [role],
  scopes: [],
  claims: {},
  tokenId: undefined,
  expiresAt: undefined,
});

describe('the demo policy', () => {
  const policy = createPolicy(DEMO_POLICY);

  it('grants role user exactly the API-key scopes the demo has, as permissions (the contract says so)', () => {
    expect([...policy.grants(holding('user')).permissions].sort()).toEqual([...DEMO_API_KEY_SCOPES].sort());
  });

  it('gives admin what user has, and the admin role itself', () => {
    const admin = policy.grants(holding('admin'));
    expect([...admin.permissions].sort()).toEqual([...DEMO_API_KEY_SCOPES].sort());
    expect(admin.roles.has('user')).toBe(true);
    expect(policy.grants(holding('user')).roles.has('admin')).toBe(false);
  });
});
