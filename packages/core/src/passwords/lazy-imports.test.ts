import { describe, expect, it, vi } from 'vitest';
import { FAST_ARGON2 } from '../testing/passwords.js';

// Each factory runs when its module is first imported, by anyone: a record of the module graph as it grows.
const loaded = vi.hoisted(() => new Map<string, number>());
const count = (name: string) => loaded.set(name, (loaded.get(name) ?? 0) + 1);

vi.mock('@zxcvbn-ts/language-common', async (importOriginal) => {
  count('@zxcvbn-ts/language-common');
  return importOriginal();
});
vi.mock('@zxcvbn-ts/core', async (importOriginal) => {
  count('@zxcvbn-ts/core');
  return importOriginal();
});
vi.mock('@node-rs/bcrypt', async (importOriginal) => {
  count('@node-rs/bcrypt');
  return importOriginal();
});

describe('what importing @portcullis/core loads', () => {
  it('loads neither the zxcvbn dictionaries nor bcrypt until they are needed, and each once', async () => {
    const core = await import('../index.js');
    await import('./index.js');
    const auth = await core.createAuth({
      stores: core.createMemoryStores(),
      users: core.createMemoryUserDirectory(),
      issuer: 'https://api.example.com',
      audience: 'https://api.example.com',
      appOrigin: 'https://app.example.com',
      apiKeys: { pepper: 'pepper-9bXr2TqLmV7nK4sW8eYc1ZaH6gJ3dF5u' },
      passwords: { argon2: FAST_ARGON2, bcrypt: { minCost: 4, cost: 4 } },
    });
    expect([...loaded.keys()]).toEqual([]);

    // Three policies checking at once share one load of the common-password list.
    const policy = core.createPasswordPolicy({ minScore: 3 });
    await Promise.all([
      policy.check('a long passphrase nobody guesses'),
      core.createPasswordPolicy().check('another long passphrase'),
      expect(policy.check('password1234')).rejects.toThrow(),
    ]);
    expect(Object.fromEntries(loaded)).toEqual({ '@zxcvbn-ts/language-common': 1, '@zxcvbn-ts/core': 1 });

    // bcrypt only at the first verification while passwords.bcrypt is on (a dummy one, for a missing user).
    await auth.passwords.verify(null, 'a long passphrase nobody guesses');
    expect(loaded.get('@node-rs/bcrypt')).toBe(1);
  });
});
