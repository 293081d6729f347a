import type { Principal } from '../tokens/principal.js';
import type { EffectiveRole } from './role-table.js';

/** Everything a principal holds once role inheritance is applied. */
export interface Grants {
  /** The principal's roles and every role they inherit. */
  readonly roles: ReadonlySet<string>;
  /** Permissions granted to any of those roles by the policy definition. */
  readonly permissions: ReadonlySet<string>;
  /** The token's OAuth scopes, as they are (scopes do not inherit). */
  readonly scopes: ReadonlySet<string>;
}

// Roles and scopes come from tokens and IdPs: anything that is not a list of strings grants nothing.
function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Resolves a principal's roles through the role table. A role the table does not define is kept as a plain
 * name that matches only itself and grants no permission, so an IdP's extra roles are harmless.
 */
export function grantsOf(principal: Principal, table: ReadonlyMap<string, EffectiveRole>): Grants {
  const held = typeof principal === 'object' && principal !== null ? principal : undefined;
  const roles = new Set<string>();
  const permissions = new Set<string>();
  for (const role of stringsOf(held?.roles)) {
    const effective = table.get(role);
    if (effective === undefined) {
      roles.add(role);
      continue;
    }
    for (const inherited of effective.roles) roles.add(inherited);
    for (const permission of effective.permissions) permissions.add(permission);
  }
  return { roles, permissions, scopes: new Set(stringsOf(held?.scopes)) };
}
