import { type CryptoKey, importJWK } from 'jose';
import type { JwsAlgorithm } from '../../keys/algorithms.js';
import type { JsonWebKey } from '../../keys/jwk.js';
import type { VerificationKey } from '../../keys/key-source.js';
import { KEY_MATERIAL, type SigningKey } from '../../keys/signing-key.js';
import type { SignatureBackend } from './signature-backend.js';

type Usage = 'sign' | 'verify';
type SubtleAlgorithm = Parameters<typeof crypto.subtle.verify>[0];

function subtleAlgorithm(alg: JwsAlgorithm, jwk: JsonWebKey): SubtleAlgorithm {
  const bits = alg.slice(2);
  switch (alg.slice(0, 2)) {
    case 'HS':
      return { name: 'HMAC' };
    case 'RS':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'PS':
      return { name: 'RSA-PSS', saltLength: Number(bits) / 8 };
    case 'ES':
      return { name: 'ECDSA', hash: `SHA-${bits}` };
    default:
      return { name: jwk['crv'] === 'Ed448' ? 'Ed448' : 'Ed25519' };
  }
}

async function importCryptoKey(alg: JwsAlgorithm, jwk: JsonWebKey, usage: Usage): Promise<CryptoKey> {
  if (alg.startsWith('HS')) {
    const raw = Buffer.from(String(jwk['k']), 'base64url');
    return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, [usage]);
  }
  const { kty, crv, x, y, n, e, d, p, q, dp, dq, qi } = jwk as Record<string, string>;
  const members = Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e, d, p, q, dp, dq, qi }).filter(([, v]) => v !== undefined),
  );
  return (await importJWK(members as Parameters<typeof importJWK>[0], alg, {
    extractable: false,
  })) as CryptoKey;
}

const verifyKeys = new WeakMap<VerificationKey, Promise<CryptoKey>>();
const signKeys = new WeakMap<SigningKey, Promise<CryptoKey>>();

function cached<K extends object>(
  map: WeakMap<K, Promise<CryptoKey>>,
  owner: K,
  load: () => Promise<CryptoKey>,
) {
  let found = map.get(owner);
  if (found === undefined) {
    found = load();
    map.set(owner, found);
  }
  return found;
}

const backend: SignatureBackend = {
  name: 'webcrypto',
  async sign(key, signingInput) {
    const privateJwk = key[KEY_MATERIAL].privateJwk;
    const cryptoKey = await cached(signKeys, key, () => importCryptoKey(key.alg, privateJwk, 'sign'));
    const signature = await crypto.subtle.sign(
      subtleAlgorithm(key.alg, privateJwk),
      cryptoKey,
      Buffer.from(signingInput, 'latin1'),
    );
    return new Uint8Array(signature);
  },
  async verify(key, signingInput, signature) {
    try {
      const cryptoKey = await cached(verifyKeys, key, () => importCryptoKey(key.alg, key.jwk, 'verify'));
      return await crypto.subtle.verify(
        subtleAlgorithm(key.alg, key.jwk),
        cryptoKey,
        signature,
        Buffer.from(signingInput, 'latin1'),
      );
    } catch {
      return false;
    }
  },
};

/** Signs and verifies through `crypto.subtle`: the path for runtimes without `node:crypto`. */
export const webCryptoBackend: SignatureBackend = Object.freeze(backend);
