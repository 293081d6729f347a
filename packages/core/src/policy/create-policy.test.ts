import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { principalWith } from '../testing/principal.js';
import type { Principal } from '../tokens/principal.js';
import { createPolicy, INSUFFICIENT_PRIVILEGES, type PolicyDefinition } from './create-policy.js';
import {
  allOf,
  anyOf,
  type Requirement,
  requirePermissions,
  requireRoles,
  requireScopes,
} from './requirement.js';

const definition: PolicyDefinition = {
  roles: {
    guest: { permissions: ['posts:read'] },
    user: { inherits: ['guest'], permissions: ['posts:write'] },
    moderator: { inherits: ['user'], permissions: ['posts:hide'] },
    admin: { inherits: ['moderator'], permissions: ['users:delete'] },
    billing: { permissions: ['invoices:read'] },
  },
};

function refusal(run: () => void): AuthError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected enforce() to throw');
}

describe('createPolicy with a definition', () => {
  const policy = createPolicy(definition);

  it('lets a role satisfy requireRoles for every role it inherits, at any depth', () => {
    const admin = principalWith(['admin']);
    for (const role of ['admin', 'moderator', 'user', 'guest']) {
      expect(policy.check(admin, requireRoles(role))).toBe(true);
    }
    expect(policy.check(admin, requireRoles('billing'))).toBe(false);
    const user = principalWith(['user']);
    expect(policy.check(user, requireRoles('guest'))).toBe(true);
    expect(policy.check(user, requireRoles('moderator'))).toBe(false);
    expect(policy.check(user, requireRoles('admin'))).toBe(false);
  });

  it('treats requireRoles as any-of', () => {
    expect(policy.check(principalWith(['billing']), requireRoles('admin', 'billing'))).toBe(true);
    expect(policy.check(principalWith(['guest']), requireRoles('admin', 'billing'))).toBe(false);
  });

  it('grants inherited permissions and requires all of the listed ones', () => {
    const moderator = principalWith(['moderator']);
    expect(policy.check(moderator, requirePermissions('posts:read'))).toBe(true);
    expect(policy.check(moderator, requirePermissions('posts:read', 'posts:write', 'posts:hide'))).toBe(true);
    expect(policy.check(moderator, requirePermissions('posts:read', 'users:delete'))).toBe(false);
    expect(policy.check(principalWith(['admin']), requirePermissions('users:delete', 'posts:read'))).toBe(
      true,
    );
  });

  it('unions the grants of several roles', () => {
    const both = principalWith(['user', 'billing']);
    expect(policy.check(both, requirePermissions('posts:write', 'invoices:read'))).toBe(true);
    expect(policy.check(both, allOf(requireRoles('user'), requireRoles('billing')))).toBe(true);
  });

  it('treats requireScopes as all-of, with no inheritance between scopes', () => {
    const principal = principalWith(['admin'], ['posts:read', 'posts:write']);
    expect(policy.check(principal, requireScopes('posts:read'))).toBe(true);
    expect(policy.check(principal, requireScopes('posts:read', 'posts:write'))).toBe(true);
    expect(policy.check(principal, requireScopes('posts:read', 'posts:admin'))).toBe(false);
    // A role's permission is not a scope, and a scope is not a role.
    expect(policy.check(principal, requireScopes('users:delete'))).toBe(false);
    expect(policy.check(principalWith([], ['admin']), requireRoles('admin'))).toBe(false);
  });

  it('keeps roles the definition does not know as plain names that grant nothing', () => {
    const external = principalWith(['idp-admin']);
    expect(policy.check(external, requireRoles('idp-admin'))).toBe(true);
    expect(policy.check(external, requireRoles('admin'))).toBe(false);
    expect(policy.check(external, requirePermissions('posts:read'))).toBe(false);
  });

  it('evaluates nested anyOf / allOf', () => {
    const requirement = anyOf(
      allOf(requireRoles('moderator'), requireScopes('posts:hide')),
      allOf(requireRoles('billing'), anyOf(requireScopes('invoices'), requirePermissions('users:delete'))),
    );
    expect(policy.check(principalWith(['admin'], ['posts:hide']), requirement)).toBe(true);
    expect(policy.check(principalWith(['admin'], []), requirement)).toBe(false);
    expect(policy.check(principalWith(['billing'], ['invoices']), requirement)).toBe(true);
    expect(policy.check(principalWith(['billing'], []), requirement)).toBe(false);
    expect(policy.check(principalWith(['billing', 'admin'], []), requirement)).toBe(true);
    expect(policy.check(principalWith(['user'], ['posts:hide', 'invoices']), requirement)).toBe(false);
  });

  it('refuses everything to an empty principal', () => {
    const nobody = principalWith();
    for (const requirement of [
      requireRoles('guest'),
      requireScopes('posts:read'),
      requirePermissions('posts:read'),
      anyOf(requireRoles('guest'), requireScopes('x')),
      allOf(requireRoles('guest')),
    ]) {
      expect(policy.check(nobody, requirement)).toBe(false);
    }
    expect(policy.grants(nobody)).toEqual({ roles: new Set(), permissions: new Set(), scopes: new Set() });
  });

  it('never lets a prototype-named role or scope match anything but itself', () => {
    const sneaky = principalWith(
      ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'],
      ['__proto__', 'constructor'],
    );
    for (const role of ['guest', 'user', 'admin', 'billing']) {
      expect(policy.check(sneaky, requireRoles(role))).toBe(false);
    }
    expect(policy.check(sneaky, requirePermissions('posts:read'))).toBe(false);
    expect(policy.check(sneaky, requireScopes('posts:read'))).toBe(false);
    expect(policy.grants(sneaky).permissions.size).toBe(0);
    expect(policy.check(sneaky, requireRoles('constructor'))).toBe(true);
    // A requirement for a prototype name is not met by an ordinary principal either.
    expect(policy.check(principalWith(['admin'], ['posts:read']), requireRoles('__proto__'))).toBe(false);
    expect(policy.check(principalWith(['admin'], ['posts:read']), requireScopes('constructor'))).toBe(false);
    expect(policy.check(principalWith(['admin']), requirePermissions('toString'))).toBe(false);
  });

  it('reports effective grants', () => {
    const grants = policy.grants(principalWith(['user', 'custom'], ['s1']));
    expect([...grants.roles].sort()).toEqual(['custom', 'guest', 'user']);
    expect([...grants.permissions].sort()).toEqual(['posts:read', 'posts:write']);
    expect([...grants.scopes]).toEqual(['s1']);
  });
});

describe('createPolicy without a definition', () => {
  const policy = createPolicy();

  it('compares role and scope names directly', () => {
    const principal = principalWith(['admin'], ['read', 'write']);
    expect(policy.check(principal, requireRoles('admin'))).toBe(true);
    expect(policy.check(principal, requireRoles('user'))).toBe(false);
    expect(policy.check(principal, requireRoles('user', 'admin'))).toBe(true);
    expect(policy.check(principal, requireScopes('read', 'write'))).toBe(true);
    expect(policy.check(principal, requireScopes('read', 'delete'))).toBe(false);
    expect(policy.check(principal, anyOf(requireRoles('user'), requireScopes('write')))).toBe(true);
  });

  it('has no inheritance and no permissions (fail closed)', () => {
    expect(policy.check(principalWith(['admin']), requirePermissions('anything'))).toBe(false);
    expect(createPolicy({}).check(principalWith(['admin']), requireRoles('admin'))).toBe(true);
    expect(createPolicy({ roles: {} }).check(principalWith(['admin']), requireRoles('user'))).toBe(false);
  });

  it('compares names exactly: case, whitespace and wildcards all matter', () => {
    const principal = principalWith(['Admin', ' user'], ['posts:*']);
    expect(policy.check(principal, requireRoles('admin'))).toBe(false);
    expect(policy.check(principal, requireRoles('user'))).toBe(false);
    expect(policy.check(principal, requireScopes('posts:read'))).toBe(false);
  });
});

describe('policy.enforce', () => {
  const policy = createPolicy(definition);

  it('returns quietly when the requirement is met', () => {
    expect(policy.enforce(principalWith(['admin']), requirePermissions('users:delete'))).toBeUndefined();
  });

  it('throws 403 insufficient_scope with a Bearer challenge and a generic description', () => {
    const error = refusal(() => policy.enforce(principalWith(['user']), requirePermissions('users:delete')));
    expect(error.code).toBe('insufficient_scope');
    expect(error.status).toBe(403);
    expect(error.challenge).toBe('Bearer');
    expect(error.challengeError).toBe(true);
    expect(error.message).toBe(INSUFFICIENT_PRIVILEGES);
    expect(error.message).not.toContain('users:delete');
    expect(error.reason).toBe('missing_permission');
  });

  it('says which kind of requirement failed in reason (logs only)', () => {
    const user = principalWith(['user'], ['a']);
    expect(refusal(() => policy.enforce(user, requireRoles('admin'))).reason).toBe('missing_role');
    expect(refusal(() => policy.enforce(user, requireScopes('a', 'b'))).reason).toBe('missing_scope');
    expect(refusal(() => policy.enforce(user, allOf(requireScopes('a'), requireRoles('admin')))).reason).toBe(
      'missing_role',
    );
    expect(refusal(() => policy.enforce(user, anyOf(requireRoles('admin'), requireScopes('b')))).reason).toBe(
      'no_alternative_met',
    );
  });

  it('challenges with the scheme asked for', () => {
    const error = refusal(() =>
      policy.enforce(principalWith(), requireRoles('admin'), { challenge: 'ApiKey' }),
    );
    expect(error.challenge).toBe('ApiKey');
  });
});

describe('untrusted shapes', () => {
  const policy = createPolicy(definition);

  it('grants nothing for roles or scopes that are not arrays of strings', () => {
    const odd = Object.freeze({
      ...principalWith(),
      roles: 'admin' as unknown as string[],
      scopes: [42, null, { toString: () => 'x' }] as unknown as string[],
    });
    expect(policy.check(odd, requireRoles('admin'))).toBe(false);
    expect(policy.check(odd, requireRoles('a'))).toBe(false);
    expect(policy.check(odd, requireScopes('x'))).toBe(false);
    expect(policy.check(null as unknown as Principal, requireRoles('admin'))).toBe(false);
    expect(policy.check(undefined as unknown as Principal, requireScopes('x'))).toBe(false);
    expect(() => policy.enforce(null as unknown as Principal, requireRoles('admin'))).toThrow(AuthError);
  });

  it('never passes a hand-built requirement with an empty list', () => {
    const admin = principalWith(['admin'], ['s']);
    for (const empty of [
      { kind: 'roles', roles: [] },
      { kind: 'scopes', scopes: [] },
      { kind: 'permissions', permissions: [] },
      { kind: 'anyOf', requirements: [] },
      { kind: 'allOf', requirements: [] },
    ]) {
      expect(policy.check(admin, empty as Requirement)).toBe(false);
    }
  });

  it('throws TypeError for something that is not a requirement (a programming error)', () => {
    const admin = principalWith(['admin']);
    expect(() => policy.check(admin, { kind: 'everything' } as unknown as Requirement)).toThrow(TypeError);
    expect(() => policy.check(admin, 'admin' as unknown as Requirement)).toThrow(TypeError);
    expect(() => policy.check(admin, undefined as unknown as Requirement)).toThrow(TypeError);
    expect(() => policy.check(admin, { kind: 'roles', roles: 'admin' } as unknown as Requirement)).toThrow(
      TypeError,
    );
  });

  it('validates the definition once, at creation', () => {
    expect(() => createPolicy({ roles: { admin: { inherits: ['ghost'] } } })).toThrow(TypeError);
    expect(() => createPolicy({ roles: { a: { inherits: ['b'] }, b: { inherits: ['a'] } } })).toThrow(
      /^portcullis: policy\.roles: inherit in a cycle/,
    );
    expect(() => createPolicy({ role: {} } as unknown as PolicyDefinition)).toThrow(
      /^portcullis: policy: has an unknown option "role"/,
    );
    expect(() => createPolicy(null as unknown as PolicyDefinition)).toThrow(TypeError);
  });

  it('is not affected by later changes to the definition object', () => {
    const roles: Record<string, { inherits?: string[]; permissions?: string[] }> = {
      user: { permissions: ['read'] },
    };
    const mutable = createPolicy({ roles });
    roles['user']!.permissions!.push('write');
    roles['admin'] = { inherits: ['user'] };
    expect(mutable.check(principalWith(['user']), requirePermissions('write'))).toBe(false);
    expect(mutable.check(principalWith(['admin']), requirePermissions('read'))).toBe(false);
    expect(Object.isFrozen(mutable)).toBe(true);
  });
});
