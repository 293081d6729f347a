// The options every adapter takes, checked here once so that four adapters word a misuse the same way.

import type { CredentialSource } from '../auth/authenticate.js';
import { optionError } from '../lib/option-error.js';
import { isRequirement, type Requirement } from '../policy/requirement.js';
import type { AdapterAuth } from './adapter-auth.js';

const SOURCES: readonly CredentialSource[] = Object.freeze(['bearer', 'dpop', 'apiKey', 'cookie', 'session']);

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/**
 * Checks `via` (which credentials a route accepts), once at start-up, and returns a frozen copy, so that
 * later changes to the caller's array change nothing; `undefined` stays `undefined` (core's default: bearer,
 * cookie, session). Every adapter checks its `authenticate` option through it, with the same wording.
 *
 * @internal Adapter plumbing, exported from `@portcullis/core/adapter` only.
 * @param option The option as the caller wrote it: `authenticate().via`, `@Credentials()`.
 * @example
 * const via = resolveVia(options.via, 'authenticate().via');
 * const settings: AuthenticateOptions = via === undefined ? {} : { via };
 */
export function resolveVia(via: unknown, option: string): readonly CredentialSource[] | undefined {
  if (via === undefined) return undefined;
  const fix = `list one or more of ${SOURCES.join(', ')}`;
  if (!Array.isArray(via)) throw optionError(option, `must be an array, not ${describe(via)}`, fix);
  if (via.length === 0) throw optionError(option, 'must not be empty', fix);
  const unknown = via.findIndex((source) => !SOURCES.includes(source));
  if (unknown !== -1)
    throw optionError(option, `has an unknown credential source ${describe(via[unknown])}`, fix);
  return Object.freeze([...via]);
}

/**
 * Checks that `auth` is what `createAuth()` or `createResourceServer()` returned, at least in the members
 * the adapter uses (by default all of {@link AdapterAuth}'s).
 *
 * @internal Adapter plumbing, exported from `@portcullis/core/adapter` only.
 * @param option The option as the caller wrote it: `portcullis(auth)`, `PortcullisModule.forRoot().auth`.
 */
export function assertAdapterAuth(
  auth: unknown,
  option: string,
  uses: readonly (keyof AdapterAuth)[] = ['routes', 'authenticate', 'authorize', 'errorResponse'],
): asserts auth is AdapterAuth {
  const given = (typeof auth === 'object' && auth !== null ? auth : {}) as Record<string, unknown>;
  const missing = uses.find((member) =>
    member === 'routes' ? !Array.isArray(given[member]) : typeof given[member] !== 'function',
  );
  if (missing !== undefined)
    throw optionError(
      option,
      auth === undefined || auth === null ? `is ${String(auth)}` : `has no ${missing}`,
      'pass what createAuth() or createResourceServer() returned',
    );
}

/**
 * Checks a requirement given to an adapter's `authorize`, `requireRoles`, `@Requires()`…, at start-up.
 *
 * @internal Adapter plumbing, exported from `@portcullis/core/adapter` only.
 */
export function assertRequirement(requirement: unknown, option: string): asserts requirement is Requirement {
  if (!isRequirement(requirement))
    throw optionError(
      option,
      'is not a portcullis requirement',
      "build one with requireRoles('admin'), requireScopes(), anyOf() or allOf()",
    );
}
