import { AuthError } from '../errors/auth-error.js';
import { headerValues } from '../http/headers.js';
import type { ProxyTrust } from '../http/trust-proxy.js';
import type { AuthRequest } from '../http/types.js';
import { createBoundedCache } from '../lib/bounded-cache.js';
import type { Clock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import type { OAuthStateStore } from '../stores/oauth-state-store.js';
import { createDpopKeyReader, DPOP_ALGORITHMS, type DpopAlgorithm } from './dpop-key.js';
import { createDpopNonces, type DpopNonces } from './dpop-nonce.js';
import {
  accessTokenHash,
  type CheckedDpopProof,
  checkDpopProof,
  DpopProofRefusal,
  type DpopProofRules,
} from './dpop-proof.js';
import { normalisedHtu, requestHtus } from './dpop-target.js';

/** Sender-constrained tokens (RFC 9449): which proofs are accepted, and server nonces. */
export interface DpopOptions {
  /** Algorithms a proof may be signed with. Default `["EdDSA", "ES256", "ES384", "PS256", "RS256"]`. */
  algorithms?: readonly DpopAlgorithm[];
  /** How old a proof's `iat` may be, seconds or `"60s"`. Default 60 seconds. */
  maxAge?: number | string;
  /** Allowed clock skew between client and server, seconds or `"5s"`. Default 5 seconds. */
  clockTolerance?: number | string;
  /**
   * `"required"`: every proof must carry a nonce this server issued (`DPoP-Nonce` header, RFC 9449 §8); a
   * proof without one, or with an old one, gets `use_dpop_nonce` and a fresh nonce. Default `"off"`.
   */
  nonce?: 'required' | 'off';
  /** How long a nonce is issued for; it is accepted up to twice this. Seconds or `"5m"`. Default 5 minutes. */
  nonceLifetime?: number | string;
}

/** Where a proof is checked: a protected resource (401 + `WWW-Authenticate: DPoP`) or a token endpoint (400). */
export type DpopCheckpoint = 'resource' | 'token';

export interface DpopCheck {
  readonly where: DpopCheckpoint;
  /** The access token sent with the proof (resource requests): the proof's `ath` must hash it. */
  readonly accessToken?: string;
  /** The key the token or refresh family is bound to: the proof must be signed by it. */
  readonly jkt?: string;
}

/** Checks the `DPoP` header of requests. */
export interface DpopVerifier {
  readonly algorithms: readonly DpopAlgorithm[];
  /** Whether the request carries a `DPoP` header at all. */
  hasProof(request: AuthRequest): boolean;
  /** Checks the request's proof, spends its `jti`, and resolves the proof key's thumbprint. */
  verify(request: AuthRequest, check: DpopCheck): Promise<{ readonly jkt: string }>;
  /** A refusal for a bound token presented without a proof (`Bearer`, cookie) or a proof-less `DPoP` scheme. */
  refuse(where: DpopCheckpoint, reason: string): AuthError;
}

const MAX_PROOF_LENGTH = 8192;
const PROOF_REFUSED = 'Invalid DPoP proof';
const NONCE_REQUIRED = 'A DPoP nonce is required: retry with the DPoP-Nonce response header in the proof';

/** `normalise` with its answers kept (bounded): a proof's `htu` is one of a client's few URLs. */
function memoised(normalise: (value: string) => string | undefined): (value: string) => string | undefined {
  const cache = createBoundedCache<string | null>(1000);
  return (value) => {
    const cached = cache.get(value, 0);
    if (cached !== undefined) return cached ?? undefined;
    const normal = normalise(value);
    if (value.length <= 2048) cache.set(value, normal ?? null, Number.POSITIVE_INFINITY);
    return normal;
  };
}

export interface DpopVerifierParts {
  options: DpopOptions | undefined;
  /** Where spent `jti`s are kept: a store every instance shares, so that a replay is refused by any of them. */
  replay: OAuthStateStore;
  /** The server secret nonces are derived from (every instance must share it). */
  secret: Uint8Array;
  proxyTrust: ProxyTrust;
  clock: Clock;
  /** The option path named in start-up errors. Default `"dpop"`. */
  optionPath?: string;
}

function algorithmsOf(value: unknown, path: string): readonly DpopAlgorithm[] {
  if (value === undefined) return DPOP_ALGORITHMS;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((alg) => (DPOP_ALGORITHMS as readonly unknown[]).includes(alg))
  )
    throw optionError(
      `${path}.algorithms`,
      `must list some of ${DPOP_ALGORITHMS.join(', ')}`,
      'omit it for all of them',
    );
  return Object.freeze([...value]);
}

/**
 * Builds the DPoP proof checks of `createAuth` and `createResourceServer`: a proof is parsed and verified
 * (`checkDpopProof`), its nonce checked when nonces are required, and its `jti` spent in the shared store
 * last, so that a refused proof spends nothing. An unreachable store throws (503): a replay is never
 * accepted for want of an answer.
 */
export function createDpopVerifier(parts: DpopVerifierParts): DpopVerifier {
  const path = parts.optionPath ?? 'dpop';
  const options = parts.options ?? {};
  if (typeof options !== 'object' || options === null)
    throw optionError(path, 'must be an object', 'such as { nonce: "required" }, or omit it');
  const algorithms = algorithmsOf(options.algorithms, path);
  const maxAgeSeconds = parseDuration(options.maxAge ?? 60, `${path}.maxAge`);
  const clockToleranceSeconds = parseDuration(options.clockTolerance ?? 5, `${path}.clockTolerance`);
  if (maxAgeSeconds <= 0 || maxAgeSeconds > 600)
    throw optionError(
      `${path}.maxAge`,
      'must be more than 0 and at most 10 minutes',
      'omit it for 60 seconds',
    );
  const nonceMode = options.nonce ?? 'off';
  if (nonceMode !== 'required' && nonceMode !== 'off')
    throw optionError(`${path}.nonce`, 'must be "required" or "off"', 'omit it for "off"');
  const nonceLifetime = parseDuration(options.nonceLifetime ?? '5m', `${path}.nonceLifetime`);
  if (nonceLifetime < 10)
    throw optionError(`${path}.nonceLifetime`, 'must be at least 10 seconds', 'omit it for 5 minutes');
  const nonces: DpopNonces | undefined =
    nonceMode === 'required' ? createDpopNonces(parts.secret, nonceLifetime, parts.clock) : undefined;
  const rules: DpopProofRules = {
    algorithms: new Set(algorithms),
    maxAgeSeconds,
    clockToleranceSeconds,
    readKey: createDpopKeyReader(),
    normaliseHtu: memoised(normalisedHtu),
  };
  const algs = algorithms.join(' ');
  const athCache = createBoundedCache<string>(10_000);
  // A token is sent with many proofs: its hash is worked out once (bounded: the oldest entry goes first).
  const athOf = (token: string) => {
    const cached = athCache.get(token, 0);
    if (cached !== undefined) return cached;
    const ath = accessTokenHash(token);
    athCache.set(token, ath, Number.POSITIVE_INFINITY);
    return ath;
  };
  const htuCache = createBoundedCache<readonly string[]>(1000);
  // A client calls the same few URLs again and again: their normal forms are worked out once.
  const htusOf = (request: AuthRequest, protocol: 'http' | 'https') => {
    const cacheKey = `${protocol} ${request.headers['host']} ${request.url}`;
    let htus = htuCache.get(cacheKey, 0);
    if (htus === undefined) {
      htus = requestHtus(request, protocol);
      if (cacheKey.length <= 2048) htuCache.set(cacheKey, htus, Number.POSITIVE_INFINITY);
    }
    return htus;
  };

  /**
   * A refusal in the form of its checkpoint: at a resource 401 with the `DPoP` challenge (and the algorithms
   * a proof may use), at a token endpoint the code's 400 (RFC 9449 §7.1, §5).
   */
  function dpopError(
    code: 'invalid_dpop_proof' | 'use_dpop_nonce',
    where: DpopCheckpoint,
    reason: string,
    headers?: Record<string, string>,
  ): AuthError {
    const message = code === 'use_dpop_nonce' ? NONCE_REQUIRED : PROOF_REFUSED;
    const challenge =
      where === 'resource' ? { status: 401, challenge: 'DPoP' as const, challengeParams: { algs } } : {};
    return new AuthError(code, message, {
      ...challenge,
      ...(headers === undefined ? {} : { headers }),
      reason,
    });
  }
  const refuse = (where: DpopCheckpoint, reason: string) => dpopError('invalid_dpop_proof', where, reason);
  const askForNonce = (where: DpopCheckpoint, reason: string) =>
    dpopError('use_dpop_nonce', where, reason, { 'dpop-nonce': nonces!.current() });

  function proofOf(request: AuthRequest, where: DpopCheckpoint): string {
    const values = headerValues(request.headers, 'dpop');
    if (values.length === 0) throw refuse(where, 'missing_proof');
    if (values.length > 1 || values[0]!.includes(',')) throw refuse(where, 'several_proofs');
    const proof = values[0]!.trim();
    if (proof.length === 0 || proof.length > MAX_PROOF_LENGTH) throw refuse(where, 'malformed_proof');
    return proof;
  }

  return Object.freeze({
    algorithms,
    hasProof: (request: AuthRequest) => request.headers['dpop'] !== undefined,
    refuse,
    async verify(request: AuthRequest, check: DpopCheck) {
      const proof = proofOf(request, check.where);
      const now = parts.clock();
      let checked: CheckedDpopProof;
      try {
        checked = checkDpopProof(
          proof,
          {
            method: request.method.toUpperCase(),
            htus: htusOf(request, parts.proxyTrust.protocol(request, false)),
            ...(check.accessToken === undefined ? {} : { ath: athOf(check.accessToken) }),
          },
          rules,
          now,
        );
      } catch (error) {
        if (error instanceof DpopProofRefusal) throw refuse(check.where, error.reason);
        throw error;
      }
      if (check.jkt !== undefined && checked.jkt !== check.jkt) throw refuse(check.where, 'key_mismatch');
      if (nonces !== undefined) {
        if (checked.nonce === undefined) throw askForNonce(check.where, 'nonce_missing');
        if (!nonces.isValid(checked.nonce)) throw askForNonce(check.where, 'nonce_stale');
      }
      // Spent last: a proof refused for anything else can still be fixed and sent again by its client.
      const kept = (checked.iat + maxAgeSeconds + clockToleranceSeconds) * 1000 + 1000;
      // jti is at most 256 characters and not secret: kept as it is, beside the key it belongs to.
      const first = await parts.replay.consume(`dpop:${checked.jkt}:${checked.jti}`, kept);
      if (!first) throw refuse(check.where, 'replayed_jti');
      return { jkt: checked.jkt };
    },
  });
}
