import * as argon2 from '@node-rs/argon2';
import * as bcrypt from '@node-rs/bcrypt';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectAuthError, FAST_ARGON2 } from '../testing/passwords.js';
import { createPasswordHasher } from './password-hasher.js';

// Spy on the bindings to see which hash each verification really runs against, and how many.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, hash: vi.fn(actual.hash), verify: vi.fn(actual.verify) };
});
vi.mock('@node-rs/bcrypt', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/bcrypt')>();
  return { ...actual, hash: vi.fn(actual.hash), verify: vi.fn(actual.verify) };
});

const hashSpy = vi.mocked(argon2.hash);
const verifySpy = vi.mocked(argon2.verify);
const bcryptHashSpy = vi.mocked(bcrypt.hash);
const bcryptVerifySpy = vi.mocked(bcrypt.verify);
const bcryptHash = (password: string, cost: number) =>
  bcrypt.hash(password, { cost }).finally(() => bcryptHashSpy.mockClear());

function clearSpies() {
  for (const spy of [hashSpy, verifySpy, bcryptHashSpy, bcryptVerifySpy]) spy.mockClear();
}

describe('unknown users and refused hashes', () => {
  beforeEach(clearSpies);

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
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { minCost: 5 } });
    const cost4 = await bcryptHash('legacy-password', 4);
    await expect(hasher.verify(cost4, 'legacy-password')).resolves.toMatchObject({ valid: false });
    expect(verifySpy).toHaveBeenCalledTimes(1);
    expect(verifySpy.mock.calls[0]![0]).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$/);
    // …and the dummy bcrypt, at the configured cost, never against the refused hash.
    expect(bcryptVerifySpy).toHaveBeenCalledTimes(1);
    expect(bcryptVerifySpy.mock.calls[0]![1]).toMatch(/^\$2b\$05\$/);
  });

  it('never hashes a password the policy refuses', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });
    for (const password of ['short', 'q'.repeat(129), 'x'.repeat(10_000_000), 'password1234', 42]) {
      await expectAuthError(hasher.hash(password));
    }
    await expectAuthError(hasher.verify(null, 'q'.repeat(129)));
    await expectAuthError(hasher.verify(null, 'x'.repeat(10_000_000)));
    expect(hashSpy).not.toHaveBeenCalled();
    expect(verifySpy).not.toHaveBeenCalled();
  });

  it('hashes the NFKC form', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });
    await hasher.hash('\uFB01nancial-cafe\u0301');
    expect(hashSpy.mock.calls[0]![0]).toBe('financial-caf\u00E9');
  });
});

describe('attack: telling legacy bcrypt accounts apart by timing', () => {
  // With bcrypt on, a login computes one bcrypt (the account's, or a dummy at `bcrypt.cost`) and then one
  // argon2id (the account's, a dummy, or the upgrade's hash): the same work whatever the account. Counted
  // here, call by call; `pnpm bench passwords` measures the times.
  const PASSWORD = 'legacy-system-passphrase';
  const WRONG = 'legacy-system-passphrasf';
  const hasher = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { minCost: 4 } });
  const costly = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { minCost: 5 } });

  async function accounts() {
    const legacy = await bcryptHash(PASSWORD, 4);
    const stored = {
      unknown: null,
      argon2id: await hasher.hash(PASSWORD),
      bcrypt: legacy,
      wrapped: await hasher.wrapLegacyBcryptHash(legacy),
    };
    await hasher.verify(null, PASSWORD); // the dummy hashes are made once, on first use
    return stored;
  }

  function work() {
    const counted = {
      bcrypt: bcryptHashSpy.mock.calls.length + bcryptVerifySpy.mock.calls.length,
      argon2: hashSpy.mock.calls.length + verifySpy.mock.calls.length,
      bcryptCosts: [
        ...bcryptVerifySpy.mock.calls.map((call) => String(call[1]).slice(0, 7)),
        ...bcryptHashSpy.mock.calls.map((call) => `cost ${String(call[1]?.cost)}`),
      ],
    };
    clearSpies();
    return counted;
  }

  it('costs one bcrypt and one argon2id for a wrong password, whatever the account', async () => {
    const stored = await accounts();
    for (const [kind, hash] of Object.entries(stored)) {
      clearSpies();
      await expect(hasher.verify(hash, WRONG), kind).resolves.toMatchObject({ valid: false });
      expect(work(), kind).toMatchObject({ bcrypt: 1, argon2: 1 });
    }
    // A hash refused for its cost (here 4 < 5) costs the same.
    await costly.verify(null, PASSWORD);
    clearSpies();
    await expect(costly.verify(stored.bcrypt, PASSWORD)).resolves.toMatchObject({ valid: false });
    expect(work()).toEqual({ bcrypt: 1, argon2: 1, bcryptCosts: ['$2b$05$'] });
  });

  it('costs one bcrypt at the legacy cost and one argon2id for the right password, plus any upgrade', async () => {
    const stored = await accounts();
    const expected = {
      argon2id: { bcrypt: 1, argon2: 1, bcryptCosts: ['$2b$04$'] }, // the dummy, at bcrypt.cost
      bcrypt: { bcrypt: 1, argon2: 1, bcryptCosts: ['$2b$04$'] }, // the account's; argon2 is the upgrade
      wrapped: { bcrypt: 1, argon2: 2, bcryptCosts: ['cost 4'] }, // recomputed; verify, then upgrade
    };
    for (const [kind, counts] of Object.entries(expected)) {
      clearSpies();
      await expect(
        hasher.verify(stored[kind as keyof typeof expected], PASSWORD),
        kind,
      ).resolves.toMatchObject({
        valid: true,
      });
      expect(work(), kind).toEqual(counts);
    }
  });

  it('computes bcrypt once for text whose NFKC form differs from what was typed', async () => {
    const stored = await accounts();
    for (const typed of ['cafe\u0301-legacy-user', '\uFF43afe-legacy-user', '\uFB01nancial-legacy-user']) {
      for (const [kind, hash] of Object.entries(stored)) {
        clearSpies();
        await expect(hasher.verify(hash, typed), kind).resolves.toMatchObject({ valid: false });
        expect(work(), `${kind} ${typed}`).toMatchObject({ bcrypt: 1, argon2: 1 });
      }
    }
  });
});
