import { createPublicKey } from 'node:crypto';
import {
  type JsonWebKey,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type KeySource,
  toPublicJwk,
  type VerificationKey,
} from '@portcullis/core/keys';
import { CliError } from '../lib/cli-error.js';
import { EXIT } from '../lib/exit-codes.js';

/** The algorithm a key without `alg` can only be meant for, by its curve (RSA keys must name theirs). */
const ALGORITHM_OF_CURVE: Record<string, JwsAlgorithm> = {
  Ed25519: 'EdDSA',
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
};

/** The key type each asymmetric algorithm needs (RFC 7518 §3). */
function keyTypeOf(alg: JwsAlgorithm): string | undefined {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return 'RSA';
  if (alg.startsWith('ES')) return 'EC';
  if (alg === 'EdDSA') return 'OKP';
  return undefined; // HS*: a public JWK Set never holds a shared secret
}

function unusable(problem: string): CliError {
  return new CliError('jwks_unusable', `the JWKS file ${problem}`, EXIT.refused);
}

function verificationKey(jwk: unknown, index: number): VerificationKey {
  if (typeof jwk !== 'object' || jwk === null) throw unusable(`key #${index} is not an object`);
  const member = jwk as JsonWebKey;
  const curveAlg = ALGORITHM_OF_CURVE[String(member['crv'])];
  const alg = (member['alg'] ?? curveAlg) as JwsAlgorithm | undefined;
  if (alg === undefined) throw unusable(`key #${index} names no "alg" (an RSA key must)`);
  if (!(JWS_ALGORITHMS as readonly string[]).includes(alg) || keyTypeOf(alg) !== member.kty)
    throw unusable(
      `key #${index} is a ${String(member.kty)} key, which cannot verify ${String(alg)} (symmetric keys are never accepted)`,
    );
  if (alg.startsWith('ES') && curveAlg !== alg)
    throw unusable(`key #${index} has the wrong curve for ${alg}`);
  const kid = typeof member['kid'] === 'string' ? member['kid'] : undefined;
  // Public members only: a private member (d, p, q…) in the file is never used.
  const publicJwk = toPublicJwk(member, kid ?? '', alg);
  if (publicJwk === undefined) throw unusable(`key #${index} is not an asymmetric key`);
  const { kid: _kid, alg: _alg, use: _use, ...keyMembers } = publicJwk;
  try {
    const nodeKey = createPublicKey({ key: keyMembers as import('node:crypto').JsonWebKey, format: 'jwk' });
    return Object.freeze({
      kid,
      alg,
      nodeKey,
      jwk: { ...keyMembers, ...(kid === undefined ? {} : { kid }), alg },
    });
  } catch {
    throw unusable(`key #${index} cannot be imported (invalid key members)`);
  }
}

/**
 * A key source over a JWK Set read from a file, for core's verifier: public keys only, each pinned to its
 * `alg` (or the one its curve implies). A token's header picks a key by `kid`; without a `kid`, only when
 * exactly one key has the header's algorithm.
 *
 * @example const keys = jwksFileKeySet(JSON.parse(readFileSync('jwks.json', 'utf8')));
 */
export function jwksFileKeySet(jwks: unknown, allowed?: ReadonlySet<string>): KeySource {
  const list = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0)
    throw unusable('is not a non-empty JWK Set ({"keys": [...]})');
  const keys = list.map(verificationKey).filter((key) => allowed === undefined || allowed.has(key.alg));
  const kids = keys.map((key) => key.kid).filter((kid) => kid !== undefined);
  if (new Set(kids).size !== kids.length) throw unusable('holds two keys with the same kid');
  return {
    revision: 0,
    resolve(header) {
      if (header.kid !== undefined) return keys.find((key) => key.kid === header.kid);
      const candidates = keys.filter((key) => key.alg === header.alg);
      return candidates.length === 1 ? candidates[0] : undefined;
    },
  };
}
