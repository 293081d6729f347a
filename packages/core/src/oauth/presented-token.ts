import { asPromise, type MaybePromise } from '../lib/maybe-promise.js';
import type { AccessTokenPrincipal } from '../tokens/principal.js';
import type { AccessTokenVerifier } from '../tokens/verify-access-token.js';

/**
 * Turns a presented access-token string into its principal, or refuses it with an `AuthError`: the one step
 * every mode of a resource server (one issuer, many, introspection) answers for. The principal itself when
 * nothing had to be awaited, a promise otherwise; a refusal may be thrown synchronously.
 */
export type PresentedTokenCheck = (token: string) => MaybePromise<AccessTokenPrincipal>;

/** A resource server's check, with the counts its `verifier` reports. */
export interface TokenCheck {
  readonly check: PresentedTokenCheck;
  cacheSize(): number;
  cacheLookups(): { readonly hits: number; readonly misses: number };
}

/**
 * The verifiers' `verifyNow` slot (`tokens/verify-access-token.ts`): `Symbol.for`, so the same symbol is
 * found here without exporting it from the verifier's module.
 */
const VERIFY_NOW = Symbol.for('portcullis.verifyNow');

/**
 * A check as an `AccessTokenVerifier`, the shape `ResourceServer.verifier` and `authenticateBearer` take; core's
 * request path still calls the check without a promise.
 */
export function verifierOf({ check, cacheSize, cacheLookups }: TokenCheck): AccessTokenVerifier {
  return Object.freeze({
    verify: asPromise(check),
    get cacheSize() {
      return cacheSize();
    },
    get cacheLookups() {
      return cacheLookups();
    },
    [VERIFY_NOW]: check,
  });
}
