export type { EnforceOptions, Policy, PolicyDefinition } from './create-policy.js';
export { createPolicy, INSUFFICIENT_PRIVILEGES } from './create-policy.js';
export type { DenialReason } from './evaluate.js';
export type { Grants } from './grants.js';
export type {
  AllOfRequirement,
  AnyOfRequirement,
  PermissionRequirement,
  Requirement,
  RoleRequirement,
  ScopeRequirement,
} from './requirement.js';
export {
  allOf,
  anyOf,
  isRequirement,
  requirePermissions,
  requireRoles,
  requireScopes,
} from './requirement.js';
export type { RoleDefinition } from './role-table.js';
