import { createHmac, verify as cryptoVerify, timingSafeEqual } from 'node:crypto';
import { createAccessTokenVerifier } from '@portcullis/core/tokens';
import { createVerifier } from 'fast-jwt';
import { jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { type AlgorithmFixture, AUDIENCE, CLOCK_TOLERANCE, ISSUER } from './fixtures.js';

/** One way of verifying a token, configured once per algorithm. */
export interface Contender {
  name: string;
  /** `"floor"`: node:crypto alone, the signature and nothing else. */
  kind: 'uncached' | 'cached' | 'floor';
  /** Returns a promise (awaited per call, as a caller would). */
  async: boolean;
  /** Prepares the call to time for one token; the call throws or rejects when the token is refused. */
  bind(token: string): () => unknown;
  /** What it does not check that core does, for the table's notes. */
  note?: string;
}

/** The claims core requires by default, required of every peer that can be told to. */
const REQUIRED_CLAIMS = ['iss', 'aud', 'exp', 'sub', 'iat', 'jti'];

function core(fixture: AlgorithmFixture, cached: boolean): Contender {
  // Core's defaults: typ at+jwt, iss/aud/exp/sub/iat/jti required, 5 s of clock tolerance, algorithm from the key.
  const verifier = createAccessTokenVerifier({
    keys: fixture.keyring,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...(cached ? {} : { cache: false as const }),
  });
  return {
    name: cached ? 'core (cached)' : 'core',
    kind: cached ? 'cached' : 'uncached',
    async: true,
    bind: (token) => () => verifier.verify(token),
  };
}

function jose(fixture: AlgorithmFixture): Contender {
  const { cryptoKey } = fixture.keys;
  const options = {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: [fixture.alg],
    typ: 'at+jwt',
    requiredClaims: REQUIRED_CLAIMS,
    clockTolerance: CLOCK_TOLERANCE,
  };
  return {
    name: 'jose.jwtVerify',
    kind: 'uncached',
    async: true,
    bind: (token) => () => jwtVerify(token, cryptoKey, options),
  };
}

function fastJwt(fixture: AlgorithmFixture, cached: boolean): Contender {
  const verify = createVerifier({
    key: fixture.keys.fastJwtKey,
    algorithms: [fixture.alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    checkTyp: 'at+jwt',
    requiredClaims: REQUIRED_CLAIMS,
    clockTolerance: CLOCK_TOLERANCE * 1000, // fast-jwt counts in ms
    cache: cached,
  });
  return {
    name: cached ? 'fast-jwt (cached)' : 'fast-jwt',
    kind: cached ? 'cached' : 'uncached',
    async: false,
    bind: (token) => () => verify(token),
  };
}

function jwt(fixture: AlgorithmFixture): Contender | undefined {
  if (fixture.alg === 'EdDSA') return undefined; // jsonwebtoken 9 (jws/jwa) has no EdDSA
  const { keyObject } = fixture.keys;
  const options = {
    algorithms: [fixture.alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    clockTolerance: CLOCK_TOLERANCE,
  };
  return {
    name: 'jsonwebtoken',
    kind: 'uncached',
    async: false,
    bind: (token) => () => jsonwebtoken.verify(token, keyObject, options),
    note: 'no typ check; sub, jti not required',
  };
}

/**
 * The node:crypto floor: the signature check alone over a pre-split signing input, with a KeyObject
 * imported once — what any verifier must at least spend.
 */
function floor(fixture: AlgorithmFixture): Contender {
  const key = fixture.keys.keyObject;
  const check = (input: Buffer, signature: Buffer): boolean => {
    switch (fixture.alg) {
      case 'HS256': {
        const mac = createHmac('sha256', key).update(input).digest();
        return mac.length === signature.length && timingSafeEqual(mac, signature);
      }
      case 'ES256':
        return cryptoVerify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'EdDSA':
        return cryptoVerify(null, input, key, signature);
      case 'RS256':
        return cryptoVerify('sha256', input, key, signature);
    }
  };
  return {
    name: 'node:crypto floor',
    kind: 'floor',
    async: false,
    bind(token) {
      const dot = token.lastIndexOf('.');
      const input = Buffer.from(token.slice(0, dot));
      const signature = Buffer.from(token.slice(dot + 1), 'base64url');
      return () => {
        if (!check(input, signature)) throw new Error('bad signature');
      };
    },
    note: 'signature only',
  };
}

/** Every contender for one algorithm, in table order: uncached peers, the floor, then the cached verifiers. */
export function createContenders(fixture: AlgorithmFixture): Contender[] {
  const contenders = [
    core(fixture, false),
    jose(fixture),
    fastJwt(fixture, false),
    jwt(fixture),
    floor(fixture),
    core(fixture, true),
    fastJwt(fixture, true),
  ];
  return contenders.filter((contender) => contender !== undefined);
}
