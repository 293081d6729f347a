import type { DpopVerifier } from '../dpop/dpop-verifier.js';
import { AuthError, isAuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';
import { assertToken68 } from '../http/bearer.js';
import type { AuthRequest } from '../http/types.js';
import type { AccessTokenPrincipal, Principal } from '../tokens/principal.js';

/** The `cnf.jkt` a DPoP-bound token carries (RFC 9449 §6), or `undefined` for an unbound token. */
export function boundKeyOf(principal: Principal): string | undefined {
  const cnf = principal.claims['cnf'];
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>)['jkt'] : undefined;
  // A `cnf` this server cannot check (another confirmation method, a malformed one) binds to a key all the same.
  return typeof jkt === 'string' && jkt.length > 0 ? jkt : '';
}

/**
 * Refuses a DPoP-bound token presented without its proof (`Authorization: Bearer`, a cookie): whoever
 * stole it must not get round the key it is bound to by calling it a bearer token (RFC 9449 §7.2).
 */
export function assertNotBound<P extends Principal>(principal: P): P {
  if (boundKeyOf(principal) !== undefined)
    throw new AuthError('invalid_token', MESSAGES.invalidToken, {
      challenge: 'DPoP',
      reason: 'dpop_bound_token_without_proof',
    });
  return principal;
}

/**
 * Verifies `Authorization: DPoP <token>` with its `DPoP` proof: the token as any access token, then the
 * proof — this request's method and URL, the token's hash (`ath`), signed by the key the token's `cnf.jkt`
 * names, its `jti` never seen before. Refusals challenge with `DPoP` (RFC 9449 §7.1).
 */
export async function verifyDpopRequest(
  verify: (token: string) => Promise<AccessTokenPrincipal>,
  dpop: DpopVerifier,
  request: AuthRequest,
  credential: string,
): Promise<AccessTokenPrincipal> {
  let principal: AccessTokenPrincipal;
  try {
    principal = await verify(assertToken68(credential));
  } catch (error) {
    throw asDpopChallenge(error, dpop);
  }
  const jkt = boundKeyOf(principal);
  if (jkt === undefined || jkt === '')
    throw asDpopChallenge(
      new AuthError('invalid_token', MESSAGES.invalidToken, {
        challenge: 'Bearer',
        reason: 'not_dpop_bound',
      }),
      dpop,
    );
  await dpop.verify(request, { where: 'resource', accessToken: credential, jkt });
  return principal;
}

/** A token refusal re-issued with the `DPoP` challenge the client used (and the algorithms it may sign with). */
function asDpopChallenge(error: unknown, dpop: DpopVerifier): unknown {
  if (!isAuthError(error) || error.challenge === undefined) return error;
  return new AuthError(error.code, error.message, {
    status: error.status,
    challenge: 'DPoP',
    challengeError: error.challengeError,
    challengeParams: { ...error.challengeParams, algs: dpop.algorithms.join(' ') },
    ...(error.reason === undefined ? {} : { reason: error.reason }),
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    cause: error,
  });
}
