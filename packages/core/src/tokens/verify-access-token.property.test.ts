import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { b64, signRaw, tokenSetup } from '../testing/token-fixtures.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import { webCryptoBackend } from './backends/web-crypto.js';

async function outcome(promise: Promise<unknown>): Promise<'ok' | 'refused'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (!(error instanceof AuthError)) throw new Error(`unexpected ${String(error)}`);
    expect(error.code).toBe('invalid_token');
    return 'refused';
  }
}

describe.each([nodeCryptoBackend, webCryptoBackend])('verifier on any input ($name backend)', (backend) => {
  it('ends in a principal or an AuthError for arbitrary strings', async () => {
    const { verifier } = await tokenSetup('ES256', backend, { cache: false });
    const segment = fc.string({ unit: fc.constantFrom(...'ABCabc012-_=+/.'.split('')), maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.array(segment, { maxLength: 5 }).map((parts) => parts.join('.')),
        ),
        async (input) => {
          expect(await outcome(verifier.verify(input))).toBe('refused');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses every single-character mutation of a valid token', async () => {
    const { verifier, issuer } = await tokenSetup('EdDSA', backend, { cache: false });
    const { token } = await issuer.issue({ subject: 'user-1', roles: ['user'] });
    await fc.assert(
      fc.asyncProperty(
        fc.nat(token.length - 1),
        fc.constantFrom(...'AQgw_-.=xyz0'.split('')),
        async (position, replacement) => {
          const mutated = token.slice(0, position) + replacement + token.slice(position + 1);
          fc.pre(mutated !== token);
          // Including the unused low bits of the last signature character: only the canonical encoding verifies.
          expect(await outcome(verifier.verify(mutated))).toBe('refused');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('ends in a principal or an AuthError for signed headers and payloads of any JSON shape', async () => {
    const { verifier, keyring } = await tokenSetup('EdDSA', backend, { cache: false });
    const key = keyring.current();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (headerExtra, payload) => {
        const header =
          typeof headerExtra === 'object' && headerExtra !== null && !Array.isArray(headerExtra)
            ? headerExtra
            : { x: headerExtra };
        const token = await signRaw(
          backend,
          key,
          { ...header, alg: 'EdDSA', typ: 'at+jwt', kid: key.kid },
          b64(payload) === '' ? {} : (payload as never),
        );
        await outcome(verifier.verify(token));
      }),
      { numRuns: 300 },
    );
  });
});
