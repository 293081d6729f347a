import { AuthError } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';
import { invalidToken } from './compact.js';
import type { AccessTokenPrincipal } from './principal.js';

export interface ClaimRules {
  issuer: string;
  audiences: ReadonlySet<string>;
  /** Seconds of allowed clock skew for `exp`, `nbf` and `iat`. */
  clockTolerance: number;
  requiredClaims: readonly string[];
}

function stringList(value: unknown, claim: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw invalidToken(`malformed_${claim}`);
  return Object.freeze(value.slice());
}

function scopesOf(claims: Record<string, unknown>): readonly string[] {
  const scope = claims['scope'];
  if (scope !== undefined) {
    if (typeof scope !== 'string') throw invalidToken('malformed_scope');
    return Object.freeze(scope.split(' ').filter((s) => s.length > 0));
  }
  return stringList(claims['scp'], 'scp');
}

function hasAudience(aud: unknown, accepted: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return accepted.has(aud);
  if (!Array.isArray(aud)) return false;
  for (const item of aud) if (typeof item === 'string' && accepted.has(item)) return true;
  return false;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Checks the registered claims of a verified payload (RFC 7519 §4.1, RFC 9068 §4) at time `nowSeconds`
 * and turns it into a principal. Every failure is `invalid_token` with a precise `reason`.
 */
export function principalFromClaims(
  claims: Record<string, unknown>,
  rules: ClaimRules,
  nowSeconds: number,
): AccessTokenPrincipal {
  for (const name of rules.requiredClaims) {
    if (claims[name] === undefined) throw invalidToken(`missing_${name}`);
  }
  if (claims['iss'] !== rules.issuer) throw invalidToken('wrong_issuer');

  if (!hasAudience(claims['aud'], rules.audiences)) throw invalidToken('wrong_audience');

  const tolerance = rules.clockTolerance;
  const exp = claims['exp'];
  if (!isNumericDate(exp)) throw invalidToken('malformed_exp');
  // Only reached for a token whose signature verified: saying "expired" tells nothing to a forger.
  if (exp <= nowSeconds - tolerance)
    throw new AuthError('invalid_token', MESSAGES.expiredToken, { challenge: 'Bearer', reason: 'expired' });
  const nbf = claims['nbf'];
  if (nbf !== undefined && (!isNumericDate(nbf) || nbf > nowSeconds + tolerance))
    throw invalidToken('not_yet_valid');
  const iat = claims['iat'];
  if (iat !== undefined && (!isNumericDate(iat) || iat > nowSeconds + tolerance))
    throw invalidToken('issued_in_future');

  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub.length === 0) throw invalidToken('malformed_sub');
  const jti = claims['jti'];
  if (jti !== undefined && typeof jti !== 'string') throw invalidToken('malformed_jti');
  const sid = claims['sid'];
  if (sid !== undefined && typeof sid !== 'string') throw invalidToken('malformed_sid');

  return Object.freeze({
    subject: sub,
    roles: stringList(claims['roles'], 'roles'),
    scopes: scopesOf(claims),
    claims: Object.freeze(claims),
    tokenId: jti as string | undefined,
    expiresAt: new Date(exp * 1000),
    sessionId: sid as string | undefined,
  });
}
