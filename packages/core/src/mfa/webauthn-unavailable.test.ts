import { describe, expect, it, vi } from 'vitest';
import { authFixture, bearer } from '../testing/auth.js';

// As if @simplewebauthn/server could not load (not installed, or a runtime it does not support).
vi.mock('@simplewebauthn/server', () => {
  throw new Error('Cannot find package @simplewebauthn/server');
});

describe('passkeys where @simplewebauthn/server cannot load', () => {
  it('answers 503 temporarily_unavailable (reason webauthn_unavailable) and leaves TOTP and login working', async () => {
    const f = await authFixture();
    const { accessToken } = await f.registerAndLogin('alice@example.com');
    for (const [path, headers] of [
      ['/auth/passkeys/login/options', {}],
      ['/auth/passkeys/register/options', bearer(accessToken)],
    ] as const) {
      const answer = await f.call('POST', path, { headers });
      expect([answer.status, (answer.body as { error: string }).error], path).toEqual([
        503,
        'temporarily_unavailable',
      ]);
      expect(answer.cookies, path).toEqual([]);
    }
    expect((await f.call('POST', '/auth/mfa/totp', { headers: bearer(accessToken) })).status).toBe(200);
  });
});
