import type { PolicyDefinition } from '@portcullis/core';

/** The scopes an API key may carry in the demo: anything else is 400. */
export const DEMO_API_KEY_SCOPES = Object.freeze(['reports:read', 'reports:write'] as const);

/**
 * The demo's roles. A key may carry only scopes its creator's role grants as permissions; `user` grants
 * every scope the demo has, so in the demo a 403 for a key's scope cannot happen (see contract-notes.md).
 */
export const DEMO_POLICY: PolicyDefinition = Object.freeze({
  roles: Object.freeze({
    user: Object.freeze({ permissions: [...DEMO_API_KEY_SCOPES] }),
    admin: Object.freeze({ inherits: ['user'] }),
  }),
});
