import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  isRequirement,
  type Requirement,
  requirePermissions,
  requireRoles,
  requireScopes,
} from './requirement.js';

describe('requirements', () => {
  it('are frozen values with de-duplicated names', () => {
    const roles = requireRoles('admin', 'editor', 'admin');
    expect(roles).toEqual({ kind: 'roles', roles: ['admin', 'editor'] });
    expect(Object.isFrozen(roles)).toBe(true);
    expect(Object.isFrozen(roles.roles)).toBe(true);
    expect(requireScopes('a', 'b')).toEqual({ kind: 'scopes', scopes: ['a', 'b'] });
    expect(requirePermissions('p')).toEqual({ kind: 'permissions', permissions: ['p'] });
  });

  it('compose into nested frozen trees', () => {
    const tree = anyOf(requireRoles('admin'), allOf(requireRoles('user'), requireScopes('write')));
    expect(tree.kind).toBe('anyOf');
    expect(tree.requirements).toHaveLength(2);
    expect(Object.isFrozen(tree.requirements)).toBe(true);
  });

  it('do not keep a reference to a caller array that could later change', () => {
    const names = ['admin'];
    const requirement = requireRoles(...names);
    names.push('user');
    expect(requirement.roles).toEqual(['admin']);
  });

  it.each([
    ['requireRoles', () => requireRoles()],
    ['requireScopes', () => requireScopes()],
    ['requirePermissions', () => requirePermissions()],
    ['anyOf', () => anyOf()],
    ['allOf', () => allOf()],
  ])(
    '%s() with nothing listed is a TypeError, not a rule that always passes or always fails',
    (_name, build) => {
      expect(build).toThrow(TypeError);
    },
  );

  it('refuses empty or non-string names', () => {
    expect(() => requireRoles('')).toThrow(
      /^portcullis: requireRoles\(\): every role must be a non-empty string/,
    );
    expect(() => requireScopes('ok', 42 as unknown as string)).toThrow(TypeError);
    expect(() => requirePermissions(undefined as unknown as string)).toThrow(TypeError);
  });

  it('refuses combinators over things that are not requirements', () => {
    expect(() => anyOf('admin' as unknown as Requirement)).toThrow(
      /^portcullis: anyOf\(\): every argument must be a requirement/,
    );
    expect(() => allOf({ kind: 'everything' } as unknown as Requirement)).toThrow(TypeError);
    expect(() => allOf(null as unknown as Requirement)).toThrow(TypeError);
  });

  it('isRequirement recognises every kind and nothing else', () => {
    expect(isRequirement(requireRoles('a'))).toBe(true);
    expect(isRequirement(allOf(requireScopes('a')))).toBe(true);
    expect(isRequirement({ kind: '__proto__' })).toBe(false);
    expect(isRequirement({ kind: 'constructor' })).toBe(false);
    expect(isRequirement('roles')).toBe(false);
    expect(isRequirement(undefined)).toBe(false);
  });
});
