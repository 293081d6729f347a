import { AuthError } from '../errors/auth-error.js';
import { isThenable, type MaybePromise } from '../lib/maybe-promise.js';
import { optionError } from '../lib/option-error.js';
import { decodeJsonObject, invalidToken, parseCompactJws } from '../tokens/compact.js';
import type { AccessTokenPrincipal } from '../tokens/principal.js';
import { type AccessTokenVerifier, verifyNow } from '../tokens/verify-access-token.js';
import type { TokenCheck } from './presented-token.js';
import {
  createIssuerVerifier,
  type IssuerConfig,
  type SharedVerification,
} from './resource-server-issuer.js';

/** Finds the configuration of a tenant's issuer from a token's `iss`; `undefined` for an issuer not served. */
export type IssuerResolver = (iss: string) => IssuerConfig | undefined | Promise<IssuerConfig | undefined>;

/** Where the issuers come from: a fixed list, or a resolver asked at each new `iss`. */
export type IssuerSource =
  | { readonly issuers: readonly IssuerConfig[] }
  | { readonly resolveIssuer: IssuerResolver; readonly maxIssuers: number };

/** The same bound as the verifier's: nothing longer is decoded, even to read its `iss`. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * The check of a resource server that accepts several issuers. The token's payload is decoded unverified
 * for one purpose: its `iss` picks the issuer's own verifier, which alone checks it — with that issuer's
 * JWKS and pinned algorithms, so a `kid` never matches across issuers, and a token whose `iss` names
 * another issuer than the one that signed it is checked against the named issuer's keys and refused. An
 * issuer not served is refused (401 `invalid_token`, reason `unknown_issuer`) before any request is made.
 */
export function createIssuerRouter(source: IssuerSource, shared: SharedVerification): TokenCheck {
  const verifierFor =
    'issuers' in source ? fixedIssuers(source.issuers, shared) : resolvedIssuers(source, shared);
  const known = verifierFor.verifiers;

  function check(token: string): MaybePromise<AccessTokenPrincipal> {
    const iss = unverifiedIssuer(token);
    const verifier = verifierFor.get(iss);
    if (isThenable(verifier)) return verifier.then((found) => verifyNow(found, token));
    return verifyNow(verifier, token);
  }

  return {
    check,
    cacheSize() {
      let size = 0;
      for (const verifier of known.values()) size += verifier.cacheSize;
      return size;
    },
    cacheLookups() {
      let hits = 0;
      let misses = 0;
      for (const verifier of known.values()) {
        hits += verifier.cacheLookups.hits;
        misses += verifier.cacheLookups.misses;
      }
      return { hits, misses };
    },
  };
}

/** The `iss` of a token not verified yet: only ever used to choose which issuer's keys verify it. */
function unverifiedIssuer(token: string): string {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalidToken('oversize');
  const iss = decodeJsonObject(parseCompactJws(token).payload, 'payload')['iss'];
  if (iss === undefined) throw invalidToken('missing_iss');
  if (typeof iss !== 'string') throw invalidToken('unknown_issuer');
  return iss;
}

interface VerifierLookup {
  get(iss: string): MaybePromise<AccessTokenVerifier>;
  readonly verifiers: ReadonlyMap<string, AccessTokenVerifier>;
}

function fixedIssuers(issuers: readonly IssuerConfig[], shared: SharedVerification): VerifierLookup {
  const verifiers = new Map<string, AccessTokenVerifier>();
  issuers.forEach((config, i) => {
    const option = `createResourceServer.issuers[${i}]`;
    const verifier = createIssuerVerifier(config, shared, option);
    if (verifiers.has(config.issuer))
      throw optionError(
        `${option}.issuer`,
        `repeats ${JSON.stringify(config.issuer)}`,
        'list each issuer once',
      );
    verifiers.set(config.issuer, verifier);
  });
  return {
    verifiers,
    get(iss) {
      const verifier = verifiers.get(iss);
      if (verifier === undefined) throw invalidToken('unknown_issuer');
      return verifier;
    },
  };
}

/**
 * Verifiers built at an issuer's first token from the resolver's answer, kept for the `maxIssuers` issuers
 * seen last (oldest first out; a Map, so that their token caches can be counted). Concurrent first tokens of
 * one issuer share one resolver call. An issuer not served is asked about again at its next token: a tenant
 * added since is then found.
 */
function resolvedIssuers(
  source: { readonly resolveIssuer: IssuerResolver; readonly maxIssuers: number },
  shared: SharedVerification,
): VerifierLookup {
  const { resolveIssuer, maxIssuers } = source;
  const verifiers = new Map<string, AccessTokenVerifier>();
  const pending = new Map<string, Promise<AccessTokenVerifier>>();

  async function resolve(iss: string): Promise<AccessTokenVerifier> {
    let config: IssuerConfig | undefined;
    try {
      config = await resolveIssuer(iss);
    } catch (error) {
      throw new AuthError('temporarily_unavailable', 'The token issuer could not be resolved', {
        retryAfter: 5,
        reason: 'issuer_resolution_failed',
        cause: error,
      });
    }
    if (config === undefined) throw invalidToken('unknown_issuer');
    if (typeof config !== 'object' || config === null || config.issuer !== iss)
      throw optionError(
        'createResourceServer.resolveIssuer(iss)',
        'returned the configuration of another issuer',
        'return the configuration whose issuer is exactly iss, or undefined',
      );
    const verifier = createIssuerVerifier(config, shared, 'createResourceServer.resolveIssuer(iss)');
    if (verifiers.size >= maxIssuers) verifiers.delete(verifiers.keys().next().value!);
    verifiers.set(iss, verifier);
    return verifier;
  }

  return {
    verifiers,
    get(iss) {
      const verifier = verifiers.get(iss);
      if (verifier !== undefined) return verifier;
      const shared = pending.get(iss);
      if (shared !== undefined) return shared;
      const loading = resolve(iss);
      // Bounded like the verifiers: past that many issuers being resolved at once, calls are not shared.
      if (pending.size < maxIssuers) {
        pending.set(iss, loading);
        const forget = () => pending.delete(iss);
        loading.then(forget, forget);
      }
      return loading;
    },
  };
}
