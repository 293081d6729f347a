import { optionError } from '../lib/option-error.js';
import type { Grants } from './grants.js';
import type { Requirement } from './requirement.js';

/** Why a requirement failed, for `AuthError.reason` (logs only, never sent to the client). */
export type DenialReason = 'missing_role' | 'missing_scope' | 'missing_permission' | 'no_alternative_met';

function list(value: unknown): readonly unknown[] {
  if (!Array.isArray(value))
    throw optionError(
      'requirement',
      'is not a portcullis requirement',
      'build one with requireRoles(), requireScopes(), anyOf()…',
    );
  return value;
}

/**
 * Evaluates a requirement against resolved grants: `undefined` when it passes, otherwise the first reason it
 * fails. An empty list never passes (fail closed), even in a hand-built requirement object.
 */
export function denialOf(grants: Grants, requirement: Requirement): DenialReason | undefined {
  switch (requirement?.kind) {
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
      return alternatives.some((alternative) => denialOf(grants, alternative) === undefined)
        ? undefined
        : 'no_alternative_met';
    }
    case 'allOf': {
      const all = list(requirement.requirements) as readonly Requirement[];
      if (all.length === 0) return 'no_alternative_met';
      for (const each of all) {
        const denial = denialOf(grants, each);
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
