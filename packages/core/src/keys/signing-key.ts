import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { isSigningAlgorithm, keyRequirement, type SigningAlgorithm } from './algorithms.js';
import { assertStrongHmacSecret } from './hmac-secret.js';
import { type JsonWebKey, type PublicJwk, toPublicJwk } from './jwk.js';

/** Internal key material, reachable only through this symbol so that logging or serialising a key shows nothing secret. */
export const KEY_MATERIAL: unique symbol = Symbol('portcullis.keyMaterial');

export interface KeyMaterial {
  /** The private JWK (with `kid` and `alg`). */
  privateJwk: JsonWebKey;
  /** Signs: private key, or the secret for HMAC. */
  signingKey: KeyObject;
  /** Verifies: public key, or the secret for HMAC. */
  verificationKey: KeyObject;
}

/**
 * One signing key, pinned to one algorithm. Its `kid` is the RFC 7638 JWK thumbprint (SHA-256).
 * `JSON.stringify` and `console.log` of a key show only `kid`, `alg` and `createdAt`.
 */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** Creation time, ms since the epoch. */
  readonly createdAt: number;
  /** Public JWK for a JWKS; `undefined` for HS256, whose secret has no public half. */
  readonly publicJwk: PublicJwk | undefined;
  /** The private JWK, for persisting the key. Handle as a secret. */
  exportPrivateJwk(): JsonWebKey;
  /** PKCS#8 private and SPKI public PEM. Throws `TypeError` for HS256. */
  exportPem(): { privateKey: string; publicKey: string };
  readonly [KEY_MATERIAL]: KeyMaterial;
}

export interface ImportKeyOptions {
  /** The algorithm to pin the key to; required unless the JWK names one in `alg`. */
  alg?: SigningAlgorithm;
  /** Creation time (ms); defaults to now. */
  createdAt?: number;
}

const PRIVATE_MEMBER: Record<string, string> = { RSA: 'd', EC: 'd', OKP: 'd', oct: 'k' };

function assertJwkFitsAlgorithm(jwk: JsonWebKey, alg: SigningAlgorithm): void {
  const requirement = keyRequirement(alg);
  if (jwk.kty !== requirement.kty)
    throw new TypeError(`a ${alg} key must be a "${requirement.kty}" JWK, got "${jwk.kty}"`);
  if (requirement.crv && !requirement.crv.includes(String(jwk['crv']))) {
    throw new TypeError(`a ${alg} key must use curve ${requirement.crv.join(' or ')}`);
  }
  const privateMember = PRIVATE_MEMBER[jwk.kty];
  if (privateMember === undefined || typeof jwk[privateMember] !== 'string') {
    throw new TypeError(`a signing key must be a private JWK (member "${privateMember ?? 'd'}" missing)`);
  }
}

function materialFromJwk(jwk: JsonWebKey, alg: SigningAlgorithm): Omit<KeyMaterial, 'privateJwk'> {
  if (jwk.kty === 'oct') {
    const secret = Buffer.from(String(jwk['k']), 'base64url');
    assertStrongHmacSecret(secret, keyRequirement(alg).minSize);
    const key = createSecretKey(secret);
    return { signingKey: key, verificationKey: key };
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    throw new TypeError(`the ${alg} JWK could not be imported (invalid key members)`);
  }
  if (jwk.kty === 'RSA') {
    const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new TypeError(`an RSA key must have at least 2048 bits, got ${bits}`);
  }
  return { signingKey: privateKey, verificationKey: createPublicKey(privateKey) };
}

/** The JWK members that define a key; everything else (kid, alg, use, key_ops, x5c…) is dropped on import. */
const KEY_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['kty', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'],
  EC: ['kty', 'crv', 'x', 'y', 'd'],
  OKP: ['kty', 'crv', 'x', 'd'],
  oct: ['kty', 'k'],
};

/**
 * Imports a private JWK as a signing key pinned to one algorithm, computing its `kid` as the RFC 7638
 * thumbprint (an imported `kid` is replaced, so every kid in a keyring is derived the same way).
 * Throws `TypeError` for a key that does not fit the algorithm, an RSA modulus under 2048 bits, or a weak HMAC secret.
 *
 * @example const key = await importSigningKey(JSON.parse(process.env.SIGNING_KEY!), { alg: 'EdDSA' });
 */
export async function importSigningKey(
  input: JsonWebKey,
  options: ImportKeyOptions = {},
): Promise<SigningKey> {
  if (typeof input !== 'object' || input === null || typeof input.kty !== 'string') {
    throw new TypeError('a signing key must be a JWK object with a "kty" member');
  }
  const alg = options.alg ?? input['alg'];
  if (!isSigningAlgorithm(alg))
    throw new TypeError(
      `unsupported signing algorithm ${JSON.stringify(alg)}; use EdDSA, ES256, RS256 or HS256`,
    );
  if (input['alg'] !== undefined && input['alg'] !== alg) {
    throw new TypeError(`the JWK is pinned to ${String(input['alg'])}, not ${alg}`);
  }
  const members = KEY_MEMBERS[input.kty];
  if (members === undefined) throw new TypeError(`unsupported JWK key type "${input.kty}"`);
  const keyOnly: JsonWebKey = { kty: input.kty };
  for (const member of members) if (input[member] !== undefined) keyOnly[member] = input[member];
  assertJwkFitsAlgorithm(keyOnly, alg);
  const material = materialFromJwk(keyOnly, alg);
  const kid = await calculateJwkThumbprint(keyOnly as Parameters<typeof calculateJwkThumbprint>[0], 'sha256');
  const privateJwk = Object.freeze({ ...keyOnly, kid, alg });
  return createSigningKey(kid, alg, options.createdAt ?? Date.now(), { ...material, privateJwk });
}

function createSigningKey(
  kid: string,
  alg: SigningAlgorithm,
  createdAt: number,
  material: KeyMaterial,
): SigningKey {
  const publicJwk = toPublicJwk(material.privateJwk, kid, alg);
  const key = {
    kid,
    alg,
    createdAt,
    publicJwk,
    exportPrivateJwk: () => ({ ...material.privateJwk }),
    exportPem: () => {
      if (alg === 'HS256') throw new TypeError('an HS256 secret has no PEM form');
      return {
        privateKey: material.signingKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        publicKey: material.verificationKey.export({ format: 'pem', type: 'spki' }).toString(),
      };
    },
    toJSON: () => ({ kid, alg, createdAt }),
    [Symbol.for('nodejs.util.inspect.custom')]: () => `SigningKey { kid: '${kid}', alg: '${alg}' }`,
  };
  Object.defineProperty(key, KEY_MATERIAL, { value: material, enumerable: false });
  return Object.freeze(key) as unknown as SigningKey;
}
