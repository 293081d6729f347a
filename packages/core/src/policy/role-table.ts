import { optionError } from '../lib/option-error.js';

/** One role of a policy definition. */
export interface RoleDefinition {
  /** Roles whose permissions (and names, for `requireRoles`) this role also has, transitively. */
  readonly inherits?: readonly string[];
  /** Permissions granted to this role (and to every role inheriting it). */
  readonly permissions?: readonly string[];
}

/** What one role amounts to once inheritance is resolved. */
export interface EffectiveRole {
  /** The role itself and every role it inherits, transitively. */
  readonly roles: ReadonlySet<string>;
  /** Its own permissions and those of every inherited role. */
  readonly permissions: ReadonlySet<string>;
}

const ROLE_KEYS = new Set(['inherits', 'permissions']);

/** `policy.roles["admin"]`: a role's option path, its name quoted as written. */
function roleOption(name: string): string {
  return `policy.roles[${JSON.stringify(name)}]`;
}

function stringList(value: unknown, where: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw optionError(where, 'must be an array of non-empty strings', "such as ['user'], or omit it");
  }
  return value;
}

/**
 * Validates a role definition and resolves inheritance once: an unknown inherited role, a cycle, an unknown
 * option (a typo such as `inherit`) or a malformed list throws `TypeError`. Lookups are `Map`s, so role
 * names such as `__proto__` or `constructor` are plain strings and never reach `Object.prototype`.
 */
export function buildRoleTable(roles: unknown): ReadonlyMap<string, EffectiveRole> {
  if (roles === undefined) return new Map();
  if (typeof roles !== 'object' || roles === null || Array.isArray(roles)) {
    throw optionError(
      'policy.roles',
      'must be an object',
      "map role names to { inherits, permissions }, such as { admin: { inherits: ['user'] } }",
    );
  }
  const declared = new Map<string, { inherits: readonly string[]; permissions: readonly string[] }>();
  for (const [name, definition] of Object.entries(roles)) {
    if (name.length === 0)
      throw optionError('policy.roles', 'has a role with an empty name', 'name every role');
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      throw optionError(roleOption(name), 'must be an object', 'give { inherits, permissions }, or {}');
    }
    for (const key of Object.keys(definition)) {
      if (!ROLE_KEYS.has(key)) {
        throw optionError(
          roleOption(name),
          `has an unknown option ${JSON.stringify(key)}`,
          'give only inherits and permissions',
        );
      }
    }
    const { inherits, permissions } = definition as Record<string, unknown>;
    declared.set(name, {
      inherits: stringList(inherits, `${roleOption(name)}.inherits`),
      permissions: stringList(permissions, `${roleOption(name)}.permissions`),
    });
  }
  for (const [name, { inherits }] of declared) {
    for (const parent of inherits) {
      if (!declared.has(parent)) {
        throw optionError(
          `${roleOption(name)}.inherits`,
          `names unknown role ${JSON.stringify(parent)}`,
          'declare that role in policy.roles, or fix the name',
        );
      }
    }
  }

  const resolved = new Map<string, EffectiveRole>();
  const path: string[] = [];
  const resolve = (name: string): EffectiveRole => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const start = path.indexOf(name);
    if (start !== -1) {
      const cycle = [...path.slice(start), name].map((role) => JSON.stringify(role)).join(' → ');
      throw optionError(
        'policy.roles',
        `inherit in a cycle: ${cycle}`,
        'remove one inherits link of the loop',
      );
    }
    path.push(name);
    const own = declared.get(name)!;
    const effectiveRoles = new Set([name]);
    const effectivePermissions = new Set(own.permissions);
    for (const parent of own.inherits) {
      const inherited = resolve(parent);
      for (const role of inherited.roles) effectiveRoles.add(role);
      for (const permission of inherited.permissions) effectivePermissions.add(permission);
    }
    path.pop();
    const effective = Object.freeze({ roles: effectiveRoles, permissions: effectivePermissions });
    resolved.set(name, effective);
    return effective;
  };
  for (const name of declared.keys()) resolve(name);
  return resolved;
}
