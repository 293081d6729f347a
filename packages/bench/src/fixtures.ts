import { createHmac, createPublicKey, createSecretKey, type KeyObject, webcrypto } from 'node:crypto';
import { createKeyring, type Keyring } from '@portcullis/core';
import { type AccessTokenIssuer, createAccessTokenIssuer } from '@portcullis/core/tokens';
import { importJWK } from 'jose';

/** The algorithms a portcullis keyring can sign with, in the order the tables print. */
export const BENCH_ALGORITHMS = ['HS256', 'ES256', 'EdDSA', 'RS256'] as const;
export type BenchAlgorithm = (typeof BENCH_ALGORITHMS)[number];

export const ISSUER = 'https://api.bench.test';
export const AUDIENCE = 'portcullis-bench';
/** Allowed clock skew, in seconds: core's default, given to every peer too. */
export const CLOCK_TOLERANCE = 5;
/** What every token carries besides the registered claims core sets. */
export const CLAIMS = { subject: 'user-1', roles: ['admin', 'billing'] } as const;

/** One key in the form each verifier wants it, imported once, outside any timed loop. */
export interface PeerKeys {
  /** The public key (or the HMAC secret): for node:crypto and jsonwebtoken. */
  keyObject: KeyObject;
  /** The same key as a WebCrypto key: for jose, which would otherwise convert it per call. */
  cryptoKey: webcrypto.CryptoKey;
  /** PEM (public key) or the raw secret: what fast-jwt takes. */
  fastJwtKey: string | Buffer;
}

/** Tokens every full verifier must refuse, by what is wrong with them. */
export interface RefusedTokens {
  /** Payload changed (`sub`), signature kept: the only refusal the node:crypto floor can see. */
  tampered: string;
  wrongIssuer: string;
  wrongAudience: string;
  expired: string;
  /**
   * Another algorithm in the header: HS256 signed with the public key's PEM for the asymmetric keys
   * (the classic confusion attack), HS512 with the same secret for HS256. Refused only by a pinned verifier.
   */
  otherAlgorithm: string;
}

export interface AlgorithmFixture {
  alg: BenchAlgorithm;
  keyring: Keyring;
  issuer: AccessTokenIssuer;
  /** One token, issued by core, that every verifier verifies. */
  token: string;
  refused: RefusedTokens;
  keys: PeerKeys;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

async function peerKeys(keyring: Keyring): Promise<PeerKeys> {
  const key = keyring.current();
  if (key.alg === 'HS256') {
    const secret = Buffer.from(String(key.exportPrivateJwk()['k']), 'base64url');
    const cryptoKey = await webcrypto.subtle.importKey(
      'raw',
      secret,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    return { keyObject: createSecretKey(secret), cryptoKey, fastJwtKey: secret };
  }
  const pem = key.exportPem().publicKey;
  const cryptoKey = (await importJWK({ ...key.publicJwk }, key.alg)) as webcrypto.CryptoKey;
  return { keyObject: createPublicKey(pem), cryptoKey, fastJwtKey: pem };
}

function tamper(token: string): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${b64(JSON.stringify({ ...claims, sub: 'admin' }))}.${signature}`;
}

function otherAlgorithm(token: string, keyring: Keyring): string {
  const key = keyring.current();
  const payload = token.split('.')[1] ?? '';
  const [alg, digest, secret] =
    key.alg === 'HS256'
      ? (['HS512', 'sha512', Buffer.from(String(key.exportPrivateJwk()['k']), 'base64url')] as const)
      : (['HS256', 'sha256', Buffer.from(key.exportPem().publicKey)] as const);
  const input = `${b64(JSON.stringify({ alg, typ: 'at+jwt', kid: key.kid }))}.${payload}`;
  return `${input}.${createHmac(digest, secret).update(input).digest('base64url')}`;
}

/** Makes the key, the token and the refused tokens for one algorithm. */
export async function createAlgorithmFixture(alg: BenchAlgorithm): Promise<AlgorithmFixture> {
  const keyring = await createKeyring({ algorithm: alg });
  const issue = (overrides: { issuer?: string; audience?: string; clock?: () => number }) =>
    createAccessTokenIssuer({ keyring, issuer: ISSUER, audience: AUDIENCE, ...overrides })
      .issue(CLAIMS)
      .then((issued) => issued.token);
  const issuer = createAccessTokenIssuer({ keyring, issuer: ISSUER, audience: AUDIENCE });
  const token = (await issuer.issue(CLAIMS)).token;
  const anHourAgo = Date.now() - 3_600_000;
  return {
    alg,
    keyring,
    issuer,
    token,
    refused: {
      tampered: tamper(token),
      wrongIssuer: await issue({ issuer: 'https://elsewhere.test' }),
      wrongAudience: await issue({ audience: 'another-api' }),
      expired: await issue({ clock: () => anHourAgo }),
      otherAlgorithm: otherAlgorithm(token, keyring),
    },
    keys: await peerKeys(keyring),
  };
}
