import { hash as bcryptHash } from '@node-rs/bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { errorResponse } from '../../http/error-response.js';
import { storeUnavailable } from '../../stores/store-unavailable.js';
import { authFixture, PASSWORD } from '../../testing/auth.js';

// An installation without the optional peer: importing it fails as Node's loader would.
vi.mock('../../passwords/load-bcrypt.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../passwords/load-bcrypt.js')>()),
  importBcrypt: () =>
    Promise.reject(
      Object.assign(new Error("Cannot find package '@node-rs/bcrypt'"), { code: 'ERR_MODULE_NOT_FOUND' }),
    ),
}));

describe('POST /auth/login with passwords.bcrypt on and @node-rs/bcrypt not installed', () => {
  it('answers every login as a store failure, and tells onEvent once', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const fixture = await authFixture({
      passwords: {
        argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 },
        bcrypt: { minCost: 4, cost: 4 },
      },
    });
    await fixture.users.create({
      email: 'legacy@example.com',
      passwordHash: await bcryptHash(PASSWORD, { cost: 4 }),
      role: 'user',
      emailVerified: true,
    });
    await fixture.users.create({
      email: 'modern@example.com',
      passwordHash: await fixture.auth.passwords.hash(PASSWORD),
      role: 'user',
      emailVerified: true,
    });
    const storeFailure = errorResponse(storeUnavailable());
    for (const email of ['legacy@example.com', 'modern@example.com', 'nobody@example.com']) {
      const response = await fixture.call('POST', '/auth/login', { body: { email, password: PASSWORD } });
      expect([response.status, response.body, response.headers['retry-after']]).toEqual([
        storeFailure.status,
        storeFailure.body,
        storeFailure.headers['retry-after'],
      ]);
    }
    expect(fixture.events.filter((e) => (e as { type: string }).type.startsWith('passwords.'))).toEqual([
      {
        type: 'passwords.bcrypt_unavailable',
        module: '@node-rs/bcrypt',
        install: 'npm install @node-rs/bcrypt',
      },
    ]);
    // No verdict on any password: no failed login was counted or reported.
    expect(fixture.events).not.toContainEqual(expect.objectContaining({ type: 'login.failed' }));
  });
});
