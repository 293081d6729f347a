import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors/auth-error.js';
import type { KeySource } from '../keys/key-source.js';
import { createKeyring } from '../keys/keyring.js';
import { AUDIENCE, fakeClock, ISSUER, tokenSetup } from '../testing/token-fixtures.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import { createAccessTokenIssuer } from './issue-access-token.js';
import { createAccessTokenVerifier } from './verify-access-token.js';

// The verified-token cache never outlives the key that signed a token: every way a key stops verifying
// changes the key source's revision, and the cache honours it.
describe('verified-token cache and key lifetimes', () => {
  it('drops a cached token once its key retires, even while the token has not expired', async () => {
    const clock = fakeClock();
    // Retiring before the token expires is what `createAuth` refuses; a bare keyring allows it.
    const keyring = await createKeyring({ clock, retireAfter: '5m' });
    const issuer = createAccessTokenIssuer({
      keyring,
      issuer: ISSUER,
      audience: AUDIENCE,
      clock,
      ttl: '15m',
    });
    const verifier = createAccessTokenVerifier({ keys: keyring, issuer: ISSUER, audience: AUDIENCE, clock });
    const { token } = await issuer.issue({ subject: 'user-1' });
    await verifier.verify(token);
    await verifier.verify(token);
    await keyring.rotate();
    await verifier.verify(token); // the old key verifies until it retires
    expect(verifier.cacheSize).toBe(1);
    clock.advance(5 * 60);
    // Not answered from the cache: verified again, and refused.
    const error = (await verifier.verify(token).catch((e: unknown) => e)) as AuthError;
    expect(error.reason).toBe('unknown_key');
    expect(verifier.cacheSize).toBe(0);
  });

  it('admits no token whose key source changed while it was being verified', async () => {
    const { keyring, issuer, clock } = await tokenSetup('EdDSA', nodeCryptoBackend);
    let revision = 0;
    // A remote JWKS refreshed (dropping a kid) during the await of this very verification.
    const keys: KeySource = {
      get revision() {
        return revision;
      },
      async resolve(header) {
        const key = await keyring.resolve(header);
        revision += 1;
        return key;
      },
    };
    const verifier = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, clock });
    const { token } = await issuer.issue({ subject: 'user-1' });
    await verifier.verify(token);
    await verifier.verify(token); // its second sighting: admitted, were it not for the change
    expect(verifier.cacheSize).toBe(0);
  });
});
