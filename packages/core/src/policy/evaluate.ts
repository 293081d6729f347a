import { optionError } from '../lib/option-error.js';
import type { Grants } from './grants.js';
import type { Requirement } from './requirement.js';

/** Why a requirement failed, for `AuthError.reason` (logs only, never sent to the client). */
export type DenialReason =
  | 'missing_role'
  | 'missing_scope'
  | 'missing_permission'
  | 'no_alternative_met'
  /** `requireFreshAuth`: no `auth_time`, or older than `maxAge`. */
  | 'stale_authentication'
  /** `requireAcr`: no `acr`, or not one of the values. */
  | 'insufficient_acr';

/** When and how the principal authenticated, as its credential says (`auth_time`, `acr`), and the time now. */
export interface StepUpFacts {
  /** `auth_time`, in seconds since the epoch, when the credential has one. */
  readonly authTime: number | undefined;
  readonly acr: string | undefined;
  /** Now, in seconds since the epoch. */
  readonly now: number;
}

function list(value: unknown): readonly unknown[] {
  if (!Array.isArray(value))
    throw optionError(
      'requirement',
      'is not a portcullis requirement',
      'build one with requireRoles(), requireScopes(), anyOf()…',
    );
  return value;
}

const NO_FACTS: StepUpFacts = Object.freeze({ authTime: undefined, acr: undefined, now: 0 });

/**
 * The RFC 9470 auth-params for a step-up refusal: `max_age` of the first stale `requireFreshAuth`, or
 * `acr_values` of the first unmet `requireAcr`, found in the order `denialOf` checks.
 */
export function stepUpParams(
  grants: Grants,
  requirement: Requirement,
  facts: StepUpFacts,
): Record<string, string> | undefined {
  switch (requirement.kind) {
    case 'freshAuth':
      return denialOf(grants, requirement, facts) === undefined
        ? undefined
        : { max_age: String(requirement.maxAge) };
    case 'acr':
      return denialOf(grants, requirement, facts) === undefined
        ? undefined
        : { acr_values: requirement.values.join(' ') };
    case 'allOf':
      for (const each of requirement.requirements) {
        const denial = denialOf(grants, each, facts);
        if (denial === undefined) continue;
        return stepUpParams(grants, each, facts);
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Evaluates a requirement against resolved grants: `undefined` when it passes, otherwise the first reason it
 * fails. An empty list never passes (fail closed), even in a hand-built requirement object.
 */
export function denialOf(
  grants: Grants,
  requirement: Requirement,
  facts: StepUpFacts = NO_FACTS,
): DenialReason | undefined {
  switch (requirement?.kind) {
    case 'freshAuth': {
      const maxAge = requirement.maxAge;
      if (typeof maxAge !== 'number' || !(maxAge > 0)) return 'stale_authentication';
      return facts.authTime !== undefined && facts.now - facts.authTime <= maxAge
        ? undefined
        : 'stale_authentication';
    }
    case 'acr': {
      const values = list(requirement.values);
      return facts.acr !== undefined && values.includes(facts.acr) ? undefined : 'insufficient_acr';
    }
    case 'roles': {
      const roles = list(requirement.roles);
      return roles.some((role) => grants.roles.has(role as string)) ? undefined : 'missing_role';
    }
    case 'scopes': {
      const scopes = list(requirement.scopes);
      return scopes.length > 0 && scopes.every((scope) => grants.scopes.has(scope as string))
        ? undefined
        : 'missing_scope';
    }
    case 'permissions': {
      const permissions = list(requirement.permissions);
      return permissions.length > 0 && permissions.every((p) => grants.permissions.has(p as string))
        ? undefined
        : 'missing_permission';
    }
    case 'anyOf': {
      const alternatives = list(requirement.requirements) as readonly Requirement[];
      return alternatives.some((alternative) => denialOf(grants, alternative, facts) === undefined)
        ? undefined
        : 'no_alternative_met';
    }
    case 'allOf': {
      const all = list(requirement.requirements) as readonly Requirement[];
      if (all.length === 0) return 'no_alternative_met';
      for (const each of all) {
        const denial = denialOf(grants, each, facts);
        if (denial !== undefined) return denial;
      }
      return undefined;
    }
    default:
      throw optionError(
        'requirement',
        'is not a portcullis requirement',
        'build one with requireRoles(), requireScopes(), anyOf()…',
      );
  }
}
