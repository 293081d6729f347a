import { AuthError, type ChallengeScheme } from '../errors/auth-error.js';
import { optionError } from '../lib/option-error.js';
import type { Principal } from '../tokens/principal.js';
import { denialOf } from './evaluate.js';
import { type Grants, grantsOf } from './grants.js';
import type { Requirement } from './requirement.js';
import { buildRoleTable, type RoleDefinition } from './role-table.js';

/** Roles, what each inherits and which permissions each grants. */
export interface PolicyDefinition {
  /** Role name → definition. Without it, role and scope names are compared directly and no permission exists. */
  readonly roles?: Readonly<Record<string, RoleDefinition>>;
}

export interface EnforceOptions {
  /** Scheme of the `WWW-Authenticate` challenge of the 403. Default `"Bearer"`; `"ApiKey"` for API keys. */
  challenge?: ChallengeScheme;
}

/** Authorization decisions on an authenticated `Principal`. */
export interface Policy {
  /** Whether the principal meets the requirement. */
  check(principal: Principal, requirement: Requirement): boolean;
  /** Throws 403 `insufficient_scope` unless the principal meets the requirement. */
  enforce(principal: Principal, requirement: Requirement, options?: EnforceOptions): void;
  /** The principal's effective roles, permissions and scopes (e.g. for a client to adapt its UI). */
  grants(principal: Principal): Grants;
}

/**
 * The client-facing description of every policy refusal: it names no role, scope or permission, so a 403
 * does not map out the authorization model. The failing kind is in `AuthError.reason`, for logs.
 *
 * @example expect(error.message).toBe(INSUFFICIENT_PRIVILEGES);
 */
export const INSUFFICIENT_PRIVILEGES = 'Insufficient privileges';

/**
 * Creates a policy. The definition is validated once — an unknown inherited role, an inheritance cycle or an
 * unknown option throws `TypeError` — and every role's effective roles and permissions are precomputed.
 * Roles a principal holds that the definition does not name match only themselves and grant nothing;
 * with no definition at all, `requireRoles`/`requireScopes` compare names directly.
 *
 * Authentication (expiry, revocation) is not re-checked here: the principal is assumed verified.
 *
 * @example
 * const policy = createPolicy({
 *   roles: {
 *     user: { permissions: ['reports:read'] },
 *     admin: { inherits: ['user'], permissions: ['users:delete'] },
 *   },
 * });
 * policy.check(principal, requirePermissions('reports:read')); // true for an admin
 * policy.enforce(principal, anyOf(requireRoles('admin'), requireScopes('reports:write')));
 */
export function createPolicy(definition: PolicyDefinition = {}): Policy {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw optionError('policy', 'must be an object', 'such as { roles: { … } }');
  }
  for (const key of Object.keys(definition)) {
    if (key !== 'roles')
      throw optionError('policy', `has an unknown option ${JSON.stringify(key)}`, 'give only roles');
  }
  const table = buildRoleTable(definition.roles);

  return Object.freeze({
    check(principal: Principal, requirement: Requirement): boolean {
      return denialOf(grantsOf(principal, table), requirement) === undefined;
    },
    enforce(principal: Principal, requirement: Requirement, options: EnforceOptions = {}): void {
      const reason = denialOf(grantsOf(principal, table), requirement);
      if (reason === undefined) return;
      throw new AuthError('insufficient_scope', INSUFFICIENT_PRIVILEGES, {
        challenge: options.challenge ?? 'Bearer',
        reason,
      });
    },
    grants(principal: Principal): Grants {
      return grantsOf(principal, table);
    },
  });
}
