import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { FAST_ARGON2 } from '../testing/passwords.js';
import { parseBcryptHash } from './bcrypt-hash.js';
import { createPasswordHasher } from './password-hasher.js';

const PASSWORD = 'legacy-system-passphrase';

describe('parseBcryptHash', () => {
  const digest = 'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
  const salt = digest.slice(0, 22);

  it('reads version, cost and salt of a well-formed hash', () => {
    expect(parseBcryptHash(`$2b$12$${digest}`)).toEqual({ version: 'b', cost: 12, salt });
    expect(parseBcryptHash(`$2a$10$${digest}`)).toEqual({ version: 'a', cost: 10, salt });
    expect(parseBcryptHash(`$2y$14$${digest}`)).toEqual({ version: 'y', cost: 14, salt });
    expect(parseBcryptHash(`$2x$12$${digest}`)).toEqual({ version: 'x', cost: 12, salt });
    expect(parseBcryptHash(`$2b$04$${digest}`)).toMatchObject({ cost: 4 });
    expect(parseBcryptHash(`$2b$31$${digest}`)).toMatchObject({ cost: 31 });
  });

  it('returns undefined for anything else', () => {
    for (const text of [
      `$2b$+4$${digest}`,
      `$2b$12$${digest}x`,
      `$2b$12$${digest.slice(1)}`,
      `$2c$12$${digest}`,
      `$2$12$${digest}`,
      `$2b$03$${digest}`,
      `$2b$32$${digest}`,
      '',
    ]) {
      expect(parseBcryptHash(text)).toBeUndefined();
    }
  });
});

describe('legacy bcrypt hashes', () => {
  const hasher = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: true });
  let cost12: string;

  beforeAll(async () => {
    cost12 = await bcryptHash(PASSWORD, { cost: 12 });
  });

  it('verifies a cost-12 $2b$ hash and returns an argon2id replacement', async () => {
    expect(cost12.startsWith('$2b$12$')).toBe(true);
    const result = await hasher.verify(cost12, PASSWORD);
    expect(result.valid).toBe(true);
    expect(result.needsRehash).toBe(true);
    if (!result.needsRehash) return;
    expect(result.newHash).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$/);
    await expect(hasher.verify(result.newHash, PASSWORD)).resolves.toEqual({
      valid: true,
      needsRehash: false,
      newHash: undefined,
    });
  });

  it('does not verify a wrong password against a bcrypt hash', async () => {
    await expect(hasher.verify(cost12, 'legacy-system-passphrasf')).resolves.toEqual({
      valid: false,
      needsRehash: false,
      newHash: undefined,
    });
  });

  it('flags every bcrypt hash for rehashing', () => {
    expect(hasher.needsRehash(cost12)).toBe(true);
  });

  it.each(['2a', '2y'] as const)('verifies a $%s$ hash', async (version) => {
    const stored = await bcryptHash(PASSWORD, { cost: 12, version });
    expect(stored.startsWith(`$${version}$12$`)).toBe(true);
    expect(await hasher.verify(stored, PASSWORD)).toMatchObject({ valid: true, needsRehash: true });
    expect((await hasher.verify(stored, 'wrong-passphrase-here')).valid).toBe(false);
  });

  it('refuses a hash under cost 12 as invalid, unless bcrypt.minCost allows it', async () => {
    const cost10 = await bcryptHash(PASSWORD, { cost: 10 });
    // The password is right: bcrypt itself would accept it.
    expect(await bcryptVerify(PASSWORD, cost10)).toBe(true);
    await expect(hasher.verify(cost10, PASSWORD)).resolves.toEqual({
      valid: false,
      needsRehash: false,
      newHash: undefined,
    });
    const migrating = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { minCost: 10 } });
    const result = await migrating.verify(cost10, PASSWORD);
    expect(result).toMatchObject({ valid: true, needsRehash: true });
    expect(result.newHash).toMatch(/^\$argon2id\$/);
  });

  it('refuses $2x$ hashes (crypt_blowfish 8-bit bug) although bcrypt would verify them', async () => {
    const relabelled = `$2x$${cost12.slice(4)}`;
    expect(await bcryptVerify(PASSWORD, relabelled)).toBe(true);
    expect((await hasher.verify(relabelled, PASSWORD)).valid).toBe(false);
  });

  it('verifies the text as typed, as a legacy system that did not normalise would', async () => {
    const stored = await bcryptHash('caf\u00E9-legacy-user', { cost: 12 });
    expect((await hasher.verify(stored, 'caf\u00E9-legacy-user')).valid).toBe(true);
    // The old system would have refused another spelling too: one bcrypt per login, over one text.
    expect((await hasher.verify(stored, 'cafe\u0301-legacy-user')).valid).toBe(false);
  });

  it('verifies the NFKC form of what is typed when the legacy system hashed that', async () => {
    const nfkc = createPasswordHasher({ argon2: FAST_ARGON2, bcrypt: { normalization: 'NFKC' } });
    const stored = await bcryptHash('caf\u00E9-legacy-user', { cost: 12 });
    expect((await nfkc.verify(stored, 'cafe\u0301-legacy-user')).valid).toBe(true);
    expect((await nfkc.verify(stored, 'caf\u00E9-legacy-user')).valid).toBe(true);
  });

  it('verifies a hash of unnormalised text and upgrades it to the NFKC form', async () => {
    const typed = 'cafe\u0301-legacy-user';
    const stored = await bcryptHash(typed, { cost: 12 });
    const result = await hasher.verify(stored, typed);
    expect(result.valid).toBe(true);
    if (!result.needsRehash) throw new Error('expected an upgrade');
    expect((await hasher.verify(result.newHash, 'caf\u00E9-legacy-user')).valid).toBe(true);
  });

  it('throws for a bcrypt hash while bcrypt verification is off, never quoting it', async () => {
    const off = createPasswordHasher({ argon2: FAST_ARGON2 });
    const error = await off.verify(cost12, PASSWORD).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/passwords\.bcrypt/);
    expect((error as Error).message).not.toContain(cost12.slice(7));
    expect(off.needsRehash(cost12)).toBe(true);
  });

  it.each([
    [{ bcrypt: 'yes' }, /^portcullis: passwords\.bcrypt: must be true, false or an object/],
    [{ bcrypt: { cost: 11 } }, /^portcullis: passwords\.bcrypt\.cost: must be an integer from 12/],
    [
      { bcrypt: { minCost: 10, cost: 32 } },
      /^portcullis: passwords\.bcrypt\.cost: must be an integer from 10/,
    ],
    [{ bcrypt: { normalization: 'NFD' } }, /^portcullis: passwords\.bcrypt\.normalization: must be 'none'/],
  ])('refuses options %j with a TypeError', (options, message) => {
    expect(() => createPasswordHasher(options as never)).toThrow(TypeError);
    expect(() => createPasswordHasher(options as never)).toThrow(message);
  });
});
