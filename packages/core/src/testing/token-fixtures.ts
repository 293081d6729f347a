// Test helpers for the token tests; not part of the package's public API (excluded from `files`).
import { createHmac } from 'node:crypto';
import type { SigningAlgorithm } from '../keys/algorithms.js';
import { createKeyring, type Keyring } from '../keys/keyring.js';
import type { SigningKey } from '../keys/signing-key.js';
import type { SignatureBackend } from '../tokens/backends/signature-backend.js';
import { createAccessTokenIssuer } from '../tokens/issue-access-token.js';
import { type AccessTokenVerifierOptions, createAccessTokenVerifier } from '../tokens/verify-access-token.js';

export const ISSUER = 'https://api.example.test';
export const AUDIENCE = 'portcullis-demo';

/** A clock tests move by hand. */
export function fakeClock(start = Date.UTC(2026, 10, 28, 12, 0, 0)) {
  let now = start;
  const clock = () => now;
  return Object.assign(clock, {
    advance(seconds: number) {
      now += seconds * 1000;
    },
  });
}

export const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Signs an arbitrary header and payload with a keyring key: for crafting tokens the issuer would never make. */
export async function signRaw(
  backend: SignatureBackend,
  key: SigningKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${Buffer.from(await backend.sign(key, input)).toString('base64url')}`;
}

export function hmacSign(
  secret: string | Buffer,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export async function tokenSetup(
  alg: SigningAlgorithm,
  backend: SignatureBackend,
  verifierOptions: Partial<AccessTokenVerifierOptions> = {},
) {
  const clock = fakeClock();
  const keyring: Keyring = await createKeyring({ algorithm: alg, clock, retireAfter: '1h' });
  const issuer = createAccessTokenIssuer({ keyring, issuer: ISSUER, audience: AUDIENCE, clock, backend });
  const verifier = createAccessTokenVerifier({
    keys: keyring,
    issuer: ISSUER,
    audience: AUDIENCE,
    clock,
    backend,
    ...verifierOptions,
  });
  const now = () => Math.floor(clock() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now(),
    exp: now() + 900,
    jti: 'jti-1',
    ...extra,
  });
  const header = (extra: Record<string, unknown> = {}) => ({
    alg,
    typ: 'at+jwt',
    kid: keyring.current().kid,
    ...extra,
  });
  return { clock, keyring, issuer, verifier, claims, header };
}
