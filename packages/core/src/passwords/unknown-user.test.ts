import * as argon2 from '@node-rs/argon2';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPasswordHasher } from './password-hasher.js';
import { authRefusal, FAST_ARGON2 } from './test-helpers.js';

// Spy on the binding to see which hash each verification really runs against.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, hash: vi.fn(actual.hash), verify: vi.fn(actual.verify) };
});

const hashSpy = vi.mocked(argon2.hash);
const verifySpy = vi.mocked(argon2.verify);

describe('unknown users and refused hashes', () => {
  beforeEach(() => {
    hashSpy.mockClear();
    verifySpy.mockClear();
  });

  it('computes the dummy hash lazily, once, with the configured parameters', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });
    expect(hashSpy).not.toHaveBeenCalled();

    await Promise.all([
      hasher.verify(null, 'first-unknown-user'),
      hasher.verify(null, 'second-unknown-user'),
    ]);
    await hasher.verify(undefined, 'third-unknown-user');
    expect(hashSpy).toHaveBeenCalledTimes(1);
    expect(hashSpy.mock.calls[0]![1]).toMatchObject({ algorithm: 2, ...FAST_ARGON2 });
    const dummy = await hashSpy.mock.results[0]!.value;
    expect(dummy).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$/);

    // Every unknown user costs one argon2id verification against that dummy, like a wrong password does.
    expect(verifySpy.mock.calls.map((call) => call[0])).toEqual([dummy, dummy, dummy]);
    expect(verifySpy.mock.calls.map((call) => call[1]).sort()).toEqual([
      'first-unknown-user',
      'second-unknown-user',
      'third-unknown-user',
    ]);
  });

  it('costs one argon2id verification for a wrong password too', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });
    const stored = await hasher.hash('the-real-password');
    hashSpy.mockClear();
    await hasher.verify(stored, 'a-wrong-password');
    expect(verifySpy).toHaveBeenCalledTimes(1);
    expect(verifySpy.mock.calls[0]![0]).toBe(stored);
    expect(hashSpy).not.toHaveBeenCalled();
  });

  it('spends the dummy verification on a bcrypt hash it refuses for its low cost', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });
    const cost4 = await bcryptHash('legacy-password', { cost: 4 });
    await expect(hasher.verify(cost4, 'legacy-password')).resolves.toMatchObject({ valid: false });
    expect(verifySpy).toHaveBeenCalledTimes(1);
    expect(verifySpy.mock.calls[0]![0]).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$/);
  });

  it('never hashes a password the policy refuses', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });
    for (const password of ['short', 'q'.repeat(129), 'x'.repeat(10_000_000), 'password1234', 42]) {
      await authRefusal(hasher.hash(password));
    }
    await authRefusal(hasher.verify(null, 'q'.repeat(129)));
    await authRefusal(hasher.verify(null, 'x'.repeat(10_000_000)));
    expect(hashSpy).not.toHaveBeenCalled();
    expect(verifySpy).not.toHaveBeenCalled();
  });

  it('hashes the NFKC form', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });
    await hasher.hash('\uFB01nancial-cafe\u0301');
    expect(hashSpy.mock.calls[0]![0]).toBe('financial-caf\u00E9');
  });
});
