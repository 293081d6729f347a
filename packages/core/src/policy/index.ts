export type { EnforceOptions, Policy, PolicyDefinition, PolicyOptions } from './create-policy.js';
export { createPolicy, INSUFFICIENT_PRIVILEGES, STEP_UP_REQUIRED } from './create-policy.js';
export type { DenialReason } from './evaluate.js';
export type { Grants } from './grants.js';
export type {
  AcrRequirement,
  AllOfRequirement,
  AnyOfRequirement,
  FreshAuthRequirement,
  PermissionRequirement,
  Requirement,
  RoleRequirement,
  ScopeRequirement,
} from './requirement.js';
export {
  allOf,
  anyOf,
  isRequirement,
  requireAcr,
  requireFreshAuth,
  requirePermissions,
  requireRoles,
  requireScopes,
} from './requirement.js';
export type { RoleDefinition } from './role-table.js';
