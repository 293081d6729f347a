import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';

/** Passes when the principal holds at least one of `roles`, directly or through inheritance. */
export interface RoleRequirement {
  readonly kind: 'roles';
  readonly roles: readonly string[];
}

/** Passes when the principal's token carries every one of `scopes`. */
export interface ScopeRequirement {
  readonly kind: 'scopes';
  readonly scopes: readonly string[];
}

/** Passes when the principal's roles grant every one of `permissions`. */
export interface PermissionRequirement {
  readonly kind: 'permissions';
  readonly permissions: readonly string[];
}

/**
 * Passes when the user authenticated (password, second factor, passkey — not a refresh) at most `maxAge`
 * seconds ago, by the credential's `auth_time`. Refused with 401 `insufficient_user_authentication` and
 * `max_age` (RFC 9470), never 403: the user can meet it by authenticating again.
 */
export interface FreshAuthRequirement {
  readonly kind: 'freshAuth';
  /** Seconds. */
  readonly maxAge: number;
}

/** Passes when the credential's `acr` is one of `values`; refused like `FreshAuthRequirement`, with `acr_values`. */
export interface AcrRequirement {
  readonly kind: 'acr';
  readonly values: readonly string[];
}

/** Passes when at least one of `requirements` passes. */
export interface AnyOfRequirement {
  readonly kind: 'anyOf';
  readonly requirements: readonly Requirement[];
}

/** Passes when every one of `requirements` passes. */
export interface AllOfRequirement {
  readonly kind: 'allOf';
  readonly requirements: readonly Requirement[];
}

/**
 * What a request needs, as a frozen value: build it once (per route) with `requireRoles`, `requireScopes`,
 * `requirePermissions`, `anyOf` and `allOf`, and evaluate it with `policy.check` or `policy.enforce`.
 */
export type Requirement =
  | RoleRequirement
  | ScopeRequirement
  | PermissionRequirement
  | FreshAuthRequirement
  | AcrRequirement
  | AnyOfRequirement
  | AllOfRequirement;

const KINDS = new Set<string>(['roles', 'scopes', 'permissions', 'freshAuth', 'acr', 'anyOf', 'allOf']);

function names(
  fn: string,
  what: string,
  values: readonly string[],
  example = `${fn}('admin')`,
): readonly string[] {
  if (values.length === 0) throw optionError(`${fn}()`, `needs at least one ${what}`, `such as ${example}`);
  for (const value of values) {
    if (typeof value !== 'string' || value.length === 0) {
      throw optionError(`${fn}()`, `every ${what} must be a non-empty string`, `such as ${example}`);
    }
  }
  return Object.freeze([...new Set(values)]);
}

function children(fn: string, requirements: readonly Requirement[]): readonly Requirement[] {
  if (requirements.length === 0)
    throw optionError(
      `${fn}()`,
      'needs at least one requirement',
      `such as ${fn}(requireRoles('admin'), requireScopes('x'))`,
    );
  for (const requirement of requirements) {
    if (!isRequirement(requirement))
      throw optionError(
        `${fn}()`,
        'every argument must be a requirement',
        'build them with requireRoles(), requireScopes()…',
      );
  }
  return Object.freeze([...requirements]);
}

/**
 * Whether `value` looks like a requirement (a known `kind`); deeper shape is checked where it is built.
 *
 * @example isRequirement(requireRoles('admin')) // true
 */
export function isRequirement(value: unknown): value is Requirement {
  return (
    typeof value === 'object' && value !== null && KINDS.has((value as { kind?: unknown }).kind as string)
  );
}

/**
 * Requires ANY ONE of the listed roles (like `@Roles()` in NestJS or Spring's `hasAnyRole`). A role the
 * principal inherits counts. For "all of these roles", combine: `allOf(requireRoles('a'), requireRoles('b'))`.
 *
 * @example const adminsOrEditors = requireRoles('admin', 'editor');
 */
export function requireRoles(...roles: string[]): RoleRequirement {
  return Object.freeze({ kind: 'roles', roles: names('requireRoles', 'role', roles) });
}

/**
 * Requires ALL of the listed OAuth scopes (RFC 6750 §3.1 `insufficient_scope`: a token must carry every
 * scope the resource needs). For alternatives, combine: `anyOf(requireScopes('a'), requireScopes('b'))`.
 *
 * @example const canWriteReports = requireScopes('reports:read', 'reports:write');
 */
export function requireScopes(...scopes: string[]): ScopeRequirement {
  return Object.freeze({ kind: 'scopes', scopes: names('requireScopes', 'scope', scopes) });
}

/**
 * Requires ALL of the listed permissions, as granted to the principal's roles (inherited roles included)
 * by the policy definition. Names are compared exactly: there are no wildcards.
 *
 * @example const canDelete = requirePermissions('users:delete');
 */
export function requirePermissions(...permissions: string[]): PermissionRequirement {
  return Object.freeze({
    kind: 'permissions',
    permissions: names('requirePermissions', 'permission', permissions),
  });
}

/**
 * Requires an authentication at most `maxAge` ago (seconds, or `"10m"`): step-up for a sensitive action.
 * A refreshed token keeps its login's `auth_time`, so refreshing never makes a credential fresh; only
 * logging in or `POST /auth/reauthenticate` does. API keys carry no `auth_time` and never pass.
 *
 * @example const recentLogin = requireFreshAuth({ maxAge: '10m' });
 */
export function requireFreshAuth(options: { maxAge: number | string }): FreshAuthRequirement {
  const maxAge = parseDuration(options?.maxAge as number | string, 'requireFreshAuth().maxAge');
  if (maxAge <= 0)
    throw optionError('requireFreshAuth().maxAge', 'must be more than 0', "such as { maxAge: '10m' }");
  return Object.freeze({ kind: 'freshAuth', maxAge });
}

/**
 * Requires an authentication context class (`acr`) among `values`, e.g. `ACR_MFA` for "signed in with a
 * second factor". Refused with 401 `insufficient_user_authentication` and `acr_values` (RFC 9470).
 *
 * @example const withSecondFactor = requireAcr(ACR_MFA);
 */
export function requireAcr(...values: string[]): AcrRequirement {
  return Object.freeze({
    kind: 'acr',
    values: names('requireAcr', 'acr value', values, 'requireAcr(ACR_MFA)'),
  });
}

/**
 * Passes when at least one of the requirements passes.
 *
 * @example anyOf(requireRoles('admin'), requireScopes('reports:read'))
 */
export function anyOf(...requirements: Requirement[]): AnyOfRequirement {
  return Object.freeze({ kind: 'anyOf', requirements: children('anyOf', requirements) });
}

/**
 * Passes when every one of the requirements passes.
 *
 * @example allOf(requireRoles('user'), requireScopes('profile:write'))
 */
export function allOf(...requirements: Requirement[]): AllOfRequirement {
  return Object.freeze({ kind: 'allOf', requirements: children('allOf', requirements) });
}
