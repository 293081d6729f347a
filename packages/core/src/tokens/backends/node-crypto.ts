import {
  constants,
  createHmac,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import type { JwsAlgorithm } from '../../keys/algorithms.js';
import { KEY_MATERIAL } from '../../keys/signing-key.js';
import type { SignatureBackend } from './signature-backend.js';

const DIGEST: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const ECDSA_SIGNATURE_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };

function digestOf(alg: JwsAlgorithm): string {
  return DIGEST[alg.slice(2)] ?? 'sha256';
}

function asymmetricParams(alg: JwsAlgorithm, key: KeyObject) {
  switch (alg[0]) {
    case 'E':
      return alg === 'EdDSA'
        ? { digest: null, key }
        : { digest: digestOf(alg), key: { key, dsaEncoding: 'ieee-p1363' as const } };
    case 'P':
      return {
        digest: digestOf(alg),
        key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      };
    default:
      return { digest: digestOf(alg), key };
  }
}

function hmac(alg: JwsAlgorithm, key: KeyObject, signingInput: string): Buffer {
  return createHmac(digestOf(alg), key).update(signingInput, 'latin1').digest();
}

const backend: SignatureBackend = {
  name: 'node',
  sign(key, signingInput) {
    const material = key[KEY_MATERIAL].signingKey;
    if (key.alg === 'HS256') return hmac(key.alg, material, signingInput);
    const params = asymmetricParams(key.alg, material);
    return cryptoSign(params.digest, Buffer.from(signingInput, 'latin1'), params.key);
  },
  verify(key, signingInput, signature) {
    const alg = key.alg;
    if (alg[0] === 'H') {
      const expected = hmac(alg, key.nodeKey, signingInput);
      return expected.length === signature.length && timingSafeEqual(expected, signature);
    }
    const expectedLength = ECDSA_SIGNATURE_BYTES[alg];
    if (expectedLength !== undefined && signature.length !== expectedLength) return false;
    const params = asymmetricParams(alg, key.nodeKey);
    try {
      return cryptoVerify(params.digest, Buffer.from(signingInput, 'latin1'), params.key, signature);
    } catch {
      return false;
    }
  },
};

/** Signs and verifies with `node:crypto` KeyObjects: synchronous, no WebCrypto promise round-trips. */
export const nodeCryptoBackend: SignatureBackend = Object.freeze(backend);
