import * as argon2 from '@node-rs/argon2';
import { describe, expect, it, vi } from 'vitest';
import { authFixture } from '../../testing/auth.js';

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, hash: vi.fn(actual.hash) };
});

const hashSpy = vi.mocked(argon2.hash);
const realHash = (await vi.importActual<typeof import('@node-rs/argon2')>('@node-rs/argon2')).hash;
const NEW_PASSWORD = 'a brand new passphrase, nine words';

describe('POST /auth/password/reset while the hashing queue is full', () => {
  it('answers 503 with Retry-After and leaves the link usable', async () => {
    const fixture = await authFixture({
      passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 }, maxConcurrent: 1, maxQueued: 0 },
    });
    await fixture.registerAndLogin('alice@example.com');
    await fixture.call('POST', '/auth/password/forgot', { body: { email: 'alice@example.com' } });
    await vi.waitFor(() =>
      expect(fixture.mailer.linkToken('alice@example.com', 'reset_password')).toBeDefined(),
    );
    const token = fixture.mailer.linkToken('alice@example.com', 'reset_password')!;

    // The one slot is held by a hash that ends when the test says so; nothing may wait behind it.
    let release = () => {};
    hashSpy.mockImplementationOnce(
      (password, options) =>
        new Promise((resolve, reject) => {
          release = () => void realHash(password, options).then(resolve, reject);
        }),
    );
    const holding = fixture.auth.passwords.hash('another account, another passphrase');
    await vi.waitFor(() => expect(fixture.auth.passwords.load().running).toBe(1));

    const busy = await fixture.call('POST', '/auth/password/reset', {
      body: { token, password: NEW_PASSWORD },
    });
    expect(busy.status).toBe(503);
    expect((busy.body as { error: string }).error).toBe('temporarily_unavailable');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    release();
    await holding;
    const reset = await fixture.call('POST', '/auth/password/reset', {
      body: { token, password: NEW_PASSWORD },
    });
    expect(reset.status).toBe(204);
  });
});
