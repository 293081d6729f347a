import { randomBytes } from 'node:crypto';
import { createDpopVerifier, type DpopOptions, type DpopVerifier } from '../dpop/dpop-verifier.js';
import { createProxyTrust, type TrustProxy } from '../http/trust-proxy.js';
import { hmacSecretBytes } from '../keys/hmac-secret.js';
import type { Clock } from '../lib/clock.js';
import { optionError } from '../lib/option-error.js';
import { createMemoryOAuthStateStore } from '../stores/memory/memory-oauth-state-store.js';
import type { OAuthStateStore } from '../stores/oauth-state-store.js';

/** DPoP at a resource server: the proof checks, and what several instances must share. */
export interface ResourceServerDpopOptions extends DpopOptions {
  /**
   * Where spent proof ids are kept: one store every instance of the API shares (`createRedisStores(…)
   * .oauthStates`, the PostgreSQL store's), so that a proof is accepted once by any of them. Default: an
   * in-process bounded store, right for one instance only.
   */
  replay?: OAuthStateStore;
  /**
   * The secret nonces are derived from (≥ 32 random bytes), the same on every instance. Required with
   * `nonce: "required"` on several instances; default a random one per process.
   */
  nonceSecret?: string | Uint8Array;
  /** Reverse proxies to believe for the request's protocol (`X-Forwarded-Proto`), as `createAuth`'s `trustProxy`. */
  trustProxy?: TrustProxy;
}

/** The DPoP verifier of a resource server's options (`false`: DPoP refused). */
export function resourceServerDpop(
  options: ResourceServerDpopOptions | false | undefined,
  clock: Clock,
): DpopVerifier | undefined {
  if (options === false) return undefined;
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw optionError('createResourceServer.dpop', 'must be an object or false', 'omit it for the defaults');
  const { replay, nonceSecret, trustProxy, ...proofOptions } = options ?? {};
  if (replay !== undefined && typeof replay?.consume !== 'function')
    throw optionError(
      'createResourceServer.dpop.replay',
      'must be an OAuthStateStore',
      'pass a store’s oauthStates',
    );
  return createDpopVerifier({
    options: proofOptions,
    replay: replay ?? createMemoryOAuthStateStore({ clock }),
    secret: nonceSecret === undefined ? randomBytes(32) : hmacSecretBytes(nonceSecret),
    proxyTrust: createProxyTrust(trustProxy),
    clock,
    optionPath: 'createResourceServer.dpop',
  });
}
