import { describe, expect, it } from 'vitest';
import { buildRoleTable } from './role-table.js';

describe('role table', () => {
  it('resolves inheritance transitively, including diamonds', () => {
    const table = buildRoleTable({
      guest: { permissions: ['read'] },
      user: { inherits: ['guest'], permissions: ['write'] },
      auditor: { inherits: ['guest'], permissions: ['audit'] },
      admin: { inherits: ['user', 'auditor'], permissions: ['delete'] },
    });
    expect([...table.get('admin')!.roles].sort()).toEqual(['admin', 'auditor', 'guest', 'user']);
    expect([...table.get('admin')!.permissions].sort()).toEqual(['audit', 'delete', 'read', 'write']);
    expect([...table.get('user')!.roles].sort()).toEqual(['guest', 'user']);
    expect([...table.get('guest')!.permissions]).toEqual(['read']);
  });

  it('resolves a deep chain whatever the declaration order', () => {
    const depth = 200;
    const roles: Record<string, { inherits?: string[]; permissions: string[] }> = {};
    // Declared top-down so that each role names one not yet declared.
    for (let level = depth; level >= 0; level--) {
      roles[`r${level}`] = {
        ...(level > 0 ? { inherits: [`r${level - 1}`] } : {}),
        permissions: [`p${level}`],
      };
    }
    const top = buildRoleTable(roles).get(`r${depth}`)!;
    expect(top.roles.size).toBe(depth + 1);
    expect(top.permissions.has('p0')).toBe(true);
    expect(top.permissions.has(`p${depth}`)).toBe(true);
  });

  it('accepts no roles and empty roles', () => {
    expect(buildRoleTable(undefined).size).toBe(0);
    expect(buildRoleTable({}).size).toBe(0);
    expect([...buildRoleTable({ lonely: {} }).get('lonely')!.roles]).toEqual(['lonely']);
  });

  it('refuses an unknown inherited role, naming both', () => {
    expect(() => buildRoleTable({ admin: { inherits: ['usr'] }, user: {} })).toThrow(
      'portcullis: policy.roles["admin"].inherits: names unknown role "usr"; ',
    );
  });

  it('refuses a role that inherits itself', () => {
    expect(() => buildRoleTable({ admin: { inherits: ['admin'] } })).toThrow(
      /^portcullis: policy\.roles: inherit in a cycle: "admin" → "admin";/,
    );
  });

  it('refuses longer cycles and names the loop', () => {
    expect(() =>
      buildRoleTable({
        root: { inherits: ['a'] },
        a: { inherits: ['b'] },
        b: { inherits: ['c'] },
        c: { inherits: ['a'] },
      }),
    ).toThrow('portcullis: policy.roles: inherit in a cycle: "a" → "b" → "c" → "a"; ');
  });

  it('refuses malformed definitions', () => {
    expect(() => buildRoleTable([])).toThrow(TypeError);
    expect(() => buildRoleTable('admin')).toThrow(TypeError);
    expect(() => buildRoleTable({ admin: null })).toThrow(
      /^portcullis: policy\.roles\["admin"\]: must be an object/,
    );
    expect(() => buildRoleTable({ admin: ['user'] })).toThrow(
      /^portcullis: policy\.roles\["admin"\]: must be an object/,
    );
    expect(() => buildRoleTable({ admin: { inherits: 'user' }, user: {} })).toThrow(
      /^portcullis: policy\.roles\["admin"\]\.inherits: must be an array/,
    );
    expect(() => buildRoleTable({ admin: { permissions: ['ok', ''] } })).toThrow(
      /^portcullis: policy\.roles\["admin"\]\.permissions: must be an array/,
    );
    expect(() => buildRoleTable({ admin: { permissions: [1] } })).toThrow(TypeError);
    expect(() => buildRoleTable({ '': {} })).toThrow(
      /^portcullis: policy\.roles: has a role with an empty name/,
    );
  });

  it('refuses an unknown option, so a typo cannot silently grant nothing', () => {
    expect(() => buildRoleTable({ admin: { inherit: ['user'] }, user: {} })).toThrow(
      'portcullis: policy.roles["admin"]: has an unknown option "inherit"; ',
    );
  });

  it('keeps prototype-named roles as plain data', () => {
    const roles = JSON.parse(
      '{"__proto__":{"permissions":["proto"]},"constructor":{"inherits":["__proto__"]}}',
    );
    const table = buildRoleTable(roles);
    expect([...table.get('constructor')!.roles].sort()).toEqual(['__proto__', 'constructor']);
    expect([...table.get('constructor')!.permissions]).toEqual(['proto']);
    expect(table.has('toString')).toBe(false);
    expect(table.has('hasOwnProperty')).toBe(false);
  });

  it('does not treat inherited Object.prototype names as defined roles', () => {
    expect(() => buildRoleTable({ admin: { inherits: ['toString'] } })).toThrow(
      /^portcullis: policy\.roles\["admin"\]\.inherits: names unknown role "toString"/,
    );
    expect(() => buildRoleTable({ admin: { inherits: ['constructor'] } })).toThrow(
      /^portcullis: policy\.roles\["admin"\]\.inherits: names unknown role "constructor"/,
    );
  });
});
