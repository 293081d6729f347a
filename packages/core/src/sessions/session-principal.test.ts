import { describe, expect, it } from 'vitest';
import { sessionPrincipal } from './session-principal.js';

const record = {
  idHash: 'hash-never-exposed',
  subject: 'user-1',
  createdAt: 1_000,
  absoluteExpiresAt: 50_000,
  idleExpiresAt: 20_000,
  data: { roles: ['admin'], scopes: ['reports:read'] },
};

describe('sessionPrincipal', () => {
  it('expires at the earlier of the idle and absolute expiries', () => {
    expect(sessionPrincipal(record).expiresAt).toEqual(new Date(20_000));
    expect(sessionPrincipal({ ...record, idleExpiresAt: 60_000 }).expiresAt).toEqual(new Date(50_000));
  });

  it('copies roles, scopes and claims so that changing the record changes no principal', () => {
    const data = { roles: ['user'], scopes: [] as string[] };
    const principal = sessionPrincipal({ ...record, data });
    data.roles.push('admin');
    expect(principal.roles).toEqual(['user']);
    expect(principal.claims).not.toBe(data);
    expect(principal.tokenId).toBeUndefined();
    expect(Object.values(principal)).not.toContain('hash-never-exposed');
  });
});
