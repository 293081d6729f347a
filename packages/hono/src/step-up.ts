import type { AcrRequirement, FreshAuthRequirement } from '@portcullis/core';
import { optionError } from '@portcullis/core/adapter';

// Core's `requireFreshAuth` and `requireAcr`, rebuilt here in the same frozen shape and with the same checks:
// this package may take values from `@portcullis/core/adapter` only (the root composes argon2, which an edge
// runtime cannot load), and that entry point exports `requireRoles` and `requireScopes` but not these two.
// Once it exports them too, import them from there and delete this file. Deciding stays core's: the
// requirement is only data, which `auth.authorize` evaluates.

const HOW = 'give seconds, or a string such as "900", "15m", "12h" or "7d"';
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds from a number of seconds or a duration string (`"10m"`), as core's `parseDuration` reads it. */
function seconds(value: unknown, optionName: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw optionError(optionName, `must be a non-negative number of seconds, not ${value}`, HOW);
    return value;
  }
  const match = typeof value === 'string' ? /^\s*(\d+)\s*([smhdw]?)\s*$/.exec(value) : null;
  if (match === null) throw optionError(optionName, `${JSON.stringify(value)} is not a duration`, HOW);
  return Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
}

/** Core's `requireFreshAuth(options)`. */
export function freshAuthRequirement(options: { maxAge: number | string }): FreshAuthRequirement {
  const maxAge = seconds(options?.maxAge, 'requireFreshAuth().maxAge');
  if (maxAge <= 0)
    throw optionError('requireFreshAuth().maxAge', 'must be more than 0', "such as { maxAge: '10m' }");
  return Object.freeze({ kind: 'freshAuth', maxAge });
}

const EXAMPLE = "such as requireAcr(auth, 'urn:portcullis:acr:mfa')";

/** Core's `requireAcr(...values)`. */
export function acrRequirement(values: readonly string[]): AcrRequirement {
  if (values.length === 0) throw optionError('requireAcr()', 'needs at least one acr value', EXAMPLE);
  for (const value of values) {
    if (typeof value !== 'string' || value.length === 0)
      throw optionError('requireAcr()', 'every acr value must be a non-empty string', EXAMPLE);
  }
  return Object.freeze({ kind: 'acr', values: Object.freeze([...new Set(values)]) });
}
