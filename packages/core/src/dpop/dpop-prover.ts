import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type KeyObject, SignJWT } from 'jose';
import { type DpopAlgorithm, jwkThumbprint } from './dpop-key.js';
import { accessTokenHash } from './dpop-proof.js';

/** What one proof is for, besides its method and URL. */
export interface DpopProofInput {
  /** The access token sent with the proof (`ath`). */
  accessToken?: string;
  /** The server's nonce, from the last `DPoP-Nonce` response header. */
  nonce?: string;
  /** Extra or replaced claims — for tests of what a server must refuse. */
  claims?: Record<string, unknown>;
}

/** A client's DPoP key (RFC 9449) and the proofs it signs. */
export interface DpopProver {
  readonly alg: DpopAlgorithm;
  /** The key's RFC 7638 thumbprint: a bound token's `cnf.jkt`. */
  readonly jkt: string;
  readonly publicJwk: JWK;
  /** A fresh proof (`dpop+jwt`, new `jti`, `iat` now) for `method` and `url`. */
  proof(method: string, url: string | URL, input?: DpopProofInput): Promise<string>;
}

/**
 * The client side of DPoP: a key pair (generated unless given) and the proofs to send in the `DPoP` header
 * of token requests and of every request made with a bound token. Built on jose.
 *
 * @example
 * const dpop = await createDpopProver(); // EdDSA
 * const proof = await dpop.proof('POST', 'https://api.example/auth/login');
 * await fetch('https://api.example/auth/login', { method: 'POST', headers: { dpop: proof }, body });
 */
export async function createDpopProver(
  options: {
    alg?: DpopAlgorithm;
    privateKey?: CryptoKey | KeyObject;
    publicKey?: CryptoKey | KeyObject;
    /** The proofs' `iat` source, in ms. Default `Date.now`. */
    clock?: () => number;
  } = {},
): Promise<DpopProver> {
  const alg = options.alg ?? 'EdDSA';
  let { privateKey, publicKey } = options;
  if (privateKey === undefined || publicKey === undefined)
    ({ privateKey, publicKey } = await generateKeyPair(alg, {
      crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
    }));
  const exported = await exportJWK(publicKey);
  const publicJwk: JWK = Object.freeze(
    Object.fromEntries(
      Object.entries(exported).filter(([name]) => ['kty', 'crv', 'x', 'y', 'n', 'e'].includes(name)),
    ),
  );
  const jkt = jwkThumbprint(publicJwk as Record<string, unknown>);
  if (jkt === undefined) throw new TypeError('createDpopProver: the public key has no JWK thumbprint');
  const key = privateKey;
  const clock = options.clock ?? Date.now;
  return Object.freeze({
    alg,
    jkt,
    publicJwk,
    proof(method: string, url: string | URL, input: DpopProofInput = {}) {
      const target = new URL(url);
      const claims: Record<string, unknown> = {
        htm: method.toUpperCase(),
        htu: `${target.origin}${target.pathname}`,
        jti: randomUUID(),
        iat: Math.floor(clock() / 1000),
      };
      if (input.accessToken !== undefined) claims['ath'] = accessTokenHash(input.accessToken);
      if (input.nonce !== undefined) claims['nonce'] = input.nonce;
      Object.assign(claims, input.claims);
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
      return new SignJWT(claims).setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: publicJwk }).sign(key);
    },
  });
}
