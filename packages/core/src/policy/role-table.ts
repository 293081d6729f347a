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

function stringList(value: unknown, where: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw new TypeError(`policy: ${where} must be an array of non-empty strings`);
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
    throw new TypeError('policy: roles must be an object mapping role names to { inherits, permissions }');
  }
  const declared = new Map<string, { inherits: readonly string[]; permissions: readonly string[] }>();
  for (const [name, definition] of Object.entries(roles)) {
    if (name.length === 0) throw new TypeError('policy: a role name must not be empty');
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      throw new TypeError(`policy: role ${JSON.stringify(name)} must be an object`);
    }
    for (const key of Object.keys(definition)) {
      if (!ROLE_KEYS.has(key)) {
        throw new TypeError(
          `policy: role ${JSON.stringify(name)} has an unknown option ${JSON.stringify(key)}`,
        );
      }
    }
    const { inherits, permissions } = definition as Record<string, unknown>;
    declared.set(name, {
      inherits: stringList(inherits, `role ${JSON.stringify(name)}: inherits`),
      permissions: stringList(permissions, `role ${JSON.stringify(name)}: permissions`),
    });
  }
  for (const [name, { inherits }] of declared) {
    for (const parent of inherits) {
      if (!declared.has(parent)) {
        throw new TypeError(
          `policy: role ${JSON.stringify(name)} inherits unknown role ${JSON.stringify(parent)}`,
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
      throw new TypeError(`policy: roles inherit in a cycle: ${cycle}`);
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
