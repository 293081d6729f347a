import type { Clock } from '../lib/clock.js';
import type { OAuthStateStore } from '../stores/oauth-state-store.js';
import type { RevocationStore } from '../stores/revocation-store.js';

/** A subject name of the library's own (no NUL byte: PostgreSQL text refuses it); never revoked as a subject. */
const NO_SUBJECT = 'portcullis:oauth-state';

/**
 * How a sign-in's `state` is spent: atomically in `oauthStates` when the stores have one; otherwise as a
 * token-id entry in the revocation store (check, then mark), which is single-use for every sequential
 * replay but lets two callbacks racing with the same state cookie both pass the check. Either way the
 * authorization code itself is single-use at the provider, and PKCE binds it to this state's verifier.
 */
export function stateSpender(stores: {
  oauthStates?: OAuthStateStore | undefined;
  revocations: RevocationStore;
  clock: Clock;
}): (key: string, expiresAt: number) => Promise<boolean> {
  const { oauthStates, revocations, clock } = stores;
  if (oauthStates !== undefined) return (key, expiresAt) => oauthStates.consume(key, expiresAt);
  return async (key, expiresAt) => {
    const tokenId = `oauth-state:${key}`;
    const check = { tokenId, sessionId: undefined, subject: NO_SUBJECT, issuedAt: 0 };
    if (await revocations.isRevoked(check, clock())) return false;
    await revocations.revokeToken(tokenId, expiresAt);
    return true;
  };
}
