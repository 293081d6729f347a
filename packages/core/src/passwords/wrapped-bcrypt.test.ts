import { hash as bcryptHash } from '@node-rs/bcrypt';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { FAST_ARGON2 } from '../testing/passwords.js';
import { createPasswordHasher } from './password-hasher.js';
import { parseWrappedBcrypt } from './wrapped-bcrypt.js';

const PASSWORD = 'legacy-system-passphrase';
const WRONG = 'legacy-system-passphrasf';
// Cost-4 legacy hashes keep these tests quick; one test uses cost 12, the default minimum.
const hasher = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { minCost: 4 } });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('wrapLegacyBcryptHash', () => {
  let legacy: string;

  beforeAll(async () => {
    legacy = await bcryptHash(PASSWORD, { cost: 4 });
  });

  it('keeps the bcrypt settings readable and hides the digest inside argon2id', async () => {
    const wrapped = await hasher.wrapLegacyBcryptHash(legacy);
    const settings = legacy.slice(1, 29); // 2b$04$ + 22 characters of salt
    expect(wrapped.startsWith(`$argon2id-bcrypt$${settings}$argon2id$v=19$m=512,t=1,p=1$`)).toBe(true);
    expect(wrapped).not.toContain(legacy.slice(29));
    expect(parseWrappedBcrypt(wrapped)).toEqual({
      bcrypt: { version: 'b', cost: 4, salt: legacy.slice(7, 29) },
      argon2: wrapped.slice(`$argon2id-bcrypt$${settings}`.length),
    });
    // Salted like any argon2id hash.
    expect(await hasher.wrapLegacyBcryptHash(legacy)).not.toBe(wrapped);
  });

  it.each(['2a', '2b', '2y'] as const)(
    'verifies a wrapped $%s$ hash with the right password only',
    async (version) => {
      const stored = await hasher.wrapLegacyBcryptHash(await bcryptHash(PASSWORD, { cost: 4, version }));
      expect(stored.startsWith(`$argon2id-bcrypt$${version}$04$`)).toBe(true);
      await expect(hasher.verify(stored, PASSWORD)).resolves.toMatchObject({
        valid: true,
        needsRehash: true,
      });
      for (const wrong of [WRONG, '', `${PASSWORD} `, PASSWORD.toUpperCase()]) {
        await expect(hasher.verify(stored, wrong)).resolves.toEqual({
          valid: false,
          needsRehash: false,
          newHash: undefined,
        });
      }
    },
  );

  it('verifies a wrapped cost-12 hash under the default minimum', async () => {
    const defaults = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: true });
    const stored = await defaults.wrapLegacyBcryptHash(await bcryptHash(PASSWORD, { cost: 12 }));
    expect((await defaults.verify(stored, PASSWORD)).valid).toBe(true);
    expect((await defaults.verify(stored, WRONG)).valid).toBe(false);
  });

  it('verifies non-ASCII passwords as the legacy system hashed them', async () => {
    const typed = 'pa\u0308ssw\u00F6rd-\uFF4Cegacy-\u65E5\u672C';
    const stored = await hasher.wrapLegacyBcryptHash(await bcryptHash(typed, { cost: 4 }));
    expect((await hasher.verify(stored, typed)).valid).toBe(true);
    // Another spelling of the same text was another password to the legacy system.
    expect((await hasher.verify(stored, typed.normalize('NFKC'))).valid).toBe(false);

    const nfkcLegacy = createPasswordHasher({
      argon2: FAST_ARGON2,
      bcrypt: { minCost: 4, normalization: 'NFKC' },
    });
    const normalized = await nfkcLegacy.wrapLegacyBcryptHash(
      await bcryptHash(typed.normalize('NFKC'), { cost: 4 }),
    );
    expect((await nfkcLegacy.verify(normalized, typed)).valid).toBe(true);
    expect((await nfkcLegacy.verify(normalized, typed.normalize('NFKC'))).valid).toBe(true);
    expect((await nfkcLegacy.verify(normalized, 'passw\u00F6rd-legacy-\u65E5\u672C')).valid).toBe(false);
  });

  it('upgrades a wrapped hash to a plain argon2id hash of the NFKC form on a successful login', async () => {
    const typed = '\uFB01nancial-legacy-passphrase';
    const stored = await hasher.wrapLegacyBcryptHash(await bcryptHash(typed, { cost: 4 }));
    expect(hasher.needsRehash(stored)).toBe(true);
    const result = await hasher.verify(stored, typed);
    if (!result.needsRehash) throw new Error('expected an upgrade');
    expect(result.newHash).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(hasher.needsRehash(result.newHash)).toBe(false);
    await expect(hasher.verify(result.newHash, 'financial-legacy-passphrase')).resolves.toEqual({
      valid: true,
      needsRehash: false,
      newHash: undefined,
    });
  });

  it('refuses a wrapped hash below bcrypt.minCost as invalid, even with the right password', async () => {
    const stored = await hasher.wrapLegacyBcryptHash(legacy);
    const strict = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { minCost: 5 } });
    await expect(strict.verify(stored, PASSWORD)).resolves.toEqual({
      valid: false,
      needsRehash: false,
      newHash: undefined,
    });
  });

  it('throws for a wrapped hash while bcrypt verification is off', async () => {
    const off = createPasswordHasher({ argon2: FAST_ARGON2 });
    const stored = await off.wrapLegacyBcryptHash(legacy);
    const error = await failure(off.verify(stored, PASSWORD));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/passwords\.bcrypt/);
  });

  it('refuses malformed wrapped hashes as data errors that do not quote them', async () => {
    const good = await hasher.wrapLegacyBcryptHash(legacy);
    const argon2Part = good.slice(good.indexOf('$argon2id$'));
    const salt = legacy.slice(7, 29);
    for (const stored of [
      '$argon2id-bcrypt$',
      good.slice(0, -10),
      `${good}!`,
      good.replace('$argon2id$v=19$', '$argon2i$v=19$'),
      good.replace('$argon2id$v=19$', '$argon2id$v=16$'),
      good.replace('$2b$04$', '$2x$04$'),
      good.replace('$2b$04$', '$2b$03$'),
      good.replace('$2b$04$', '$2b$32$'),
      good.replace('$2b$04$', '$2b$4$'),
      good.replace(salt, salt.slice(1)),
      `$argon2id-bcrypt$2b$04$${salt}${argon2Part.replace('m=512', 'm=1')}`,
      `$argon2id-bcrypt$2b$04$${salt}$${argon2Part}`,
    ]) {
      const error = await failure(hasher.verify(stored, PASSWORD));
      expect(error, stored).toBeInstanceOf(Error);
      expect(error, stored).not.toBeInstanceOf(AuthError);
      expect((error as Error).message).not.toContain(salt);
      expect((error as Error).message).not.toContain(argon2Part.slice(-43));
    }
  });

  it('wraps only a well-formed $2a$, $2b$ or $2y$ hash that bcrypt would verify', async () => {
    const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const spare = alphabet.charAt(alphabet.indexOf(legacy.charAt(28)) ^ 1);
    for (const stored of [
      `$2x$${legacy.slice(4)}`,
      legacy.slice(0, -1),
      `$2b$03$${legacy.slice(7)}`,
      `${legacy.slice(0, 28)}${spare}${legacy.slice(29)}`, // spare salt bits set
      await hasher.hash(PASSWORD),
      '',
    ]) {
      const error = await failure(hasher.wrapLegacyBcryptHash(stored));
      expect(error, stored).toBeInstanceOf(Error);
      if (stored.length > 7) expect((error as Error).message).not.toContain(stored.slice(7));
    }
    await expect(hasher.wrapLegacyBcryptHash(42 as never)).rejects.toThrow(TypeError);
  });
});
