import { AuthError, type ChallengeScheme } from '../errors/auth-error.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { optionError } from '../lib/option-error.js';
import type { Principal } from '../tokens/principal.js';
import { type DenialReason, denialOf, type StepUpFacts, stepUpParams } from './evaluate.js';
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

/** The client-facing description of a step-up refusal (RFC 9470 `insufficient_user_authentication`). */
export const STEP_UP_REQUIRED = 'A more recent or stronger authentication is required';

/** `createPolicy`'s second argument. */
export interface PolicyOptions {
  /** Time source for `requireFreshAuth` (ms since the epoch). Default `Date.now`. */
  clock?: Clock;
}

const STEP_UP_REASONS: ReadonlySet<DenialReason> = new Set(['stale_authentication', 'insufficient_acr']);

/** `auth_time` and `acr` as the principal's credential carries them (claims of a token, data of a session). */
function factsOf(principal: Principal, nowMs: number): StepUpFacts {
  const claims = (typeof principal === 'object' && principal !== null ? principal.claims : undefined) ?? {};
  const authTime = claims['auth_time'];
  const acr = claims['acr'];
  return {
    authTime: typeof authTime === 'number' && Number.isFinite(authTime) ? authTime : undefined,
    acr: typeof acr === 'string' ? acr : undefined,
    now: Math.floor(nowMs / 1000),
  };
}

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
export function createPolicy(definition: PolicyDefinition = {}, options: PolicyOptions = {}): Policy {
  const clock = options.clock ?? systemClock;
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
      return denialOf(grantsOf(principal, table), requirement, factsOf(principal, clock())) === undefined;
    },
    enforce(principal: Principal, requirement: Requirement, options: EnforceOptions = {}): void {
      const grants = grantsOf(principal, table);
      const facts = factsOf(principal, clock());
      const reason = denialOf(grants, requirement, facts);
      if (reason === undefined) return;
      if (STEP_UP_REASONS.has(reason)) {
        // 401, not 403: the user can meet it by authenticating again (RFC 9470).
        throw new AuthError('insufficient_user_authentication', STEP_UP_REQUIRED, {
          challenge: options.challenge ?? 'Bearer',
          challengeParams: stepUpParams(grants, requirement, facts),
          reason,
        });
      }
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
