import type { Principal } from '../tokens/principal.js';

/** A frozen principal holding `roles` and `scopes`, as the verifiers produce. */
export function principalWith(roles: readonly string[] = [], scopes: readonly string[] = []): Principal {
  return Object.freeze({
    subject: 'user-1',
    roles: Object.freeze([...roles]),
    scopes: Object.freeze([...scopes]),
    claims: Object.freeze({}),
    tokenId: undefined,
    expiresAt: undefined,
  });
}
