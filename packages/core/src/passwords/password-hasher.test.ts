import { availableParallelism } from 'node:os';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { expectAuthError, expectRefused, FAST_ARGON2 } from '../testing/passwords.js';
import { createDummyHash } from './dummy-hash.js';
import { createPasswordHasher } from './password-hasher.js';

const PASSWORD = 'correct horse battery staple';

describe('createPasswordHasher', () => {
  const hasher = createPasswordHasher({ argon2: FAST_ARGON2 });

  it('hashes with argon2id and verifies the same password', async () => {
    const stored = await hasher.hash(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(stored).not.toContain(PASSWORD);
    await expect(hasher.verify(stored, PASSWORD)).resolves.toEqual({
      valid: true,
      needsRehash: false,
      newHash: undefined,
    });
  });

  it('salts every hash', async () => {
    expect(await hasher.hash(PASSWORD)).not.toBe(await hasher.hash(PASSWORD));
  });

  it('does not verify a wrong password', async () => {
    const stored = await hasher.hash(PASSWORD);
    for (const wrong of ['correct horse battery stapl', 'Correct horse battery staple', `${PASSWORD} `, '']) {
      await expect(hasher.verify(stored, wrong)).resolves.toEqual({
        valid: false,
        needsRehash: false,
        newHash: undefined,
      });
    }
  });

  it('hashes with the OWASP defaults m=19456, t=2, p=1 unless configured', async () => {
    const defaults = createPasswordHasher();
    expect(defaults.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const stored = await defaults.hash(PASSWORD);
    expect(stored.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect((await defaults.verify(stored, PASSWORD)).valid).toBe(true);
    expect(defaults.needsRehash(stored)).toBe(false);
  });

  it('treats NFKC-equivalent spellings as the same password', async () => {
    const ligature = await hasher.hash('\uFB01nancial-report-q3'); // "ﬁ" ligature
    expect((await hasher.verify(ligature, 'financial-report-q3')).valid).toBe(true);
    const plain = await hasher.hash('financial-report-q3');
    expect((await hasher.verify(plain, '\uFB01nancial-report-q3')).valid).toBe(true);

    const composed = await hasher.hash('caf\u00E9-au-lait-2024');
    expect((await hasher.verify(composed, 'cafe\u0301-au-lait-2024')).valid).toBe(true);
    const decomposed = await hasher.hash('cafe\u0301-au-lait-2024');
    expect((await hasher.verify(decomposed, 'caf\u00E9-au-lait-2024')).valid).toBe(true);
    // Normalisation does not fold distinct letters together.
    expect((await hasher.verify(composed, 'cafe-au-lait-2024')).valid).toBe(false);
  });

  it('enforces the policy on new passwords', async () => {
    await expectRefused(hasher.hash('k7#Vq2!mZp9'), 'weak_password', 'too_short', 'k7#Vq2!mZp9');
    await expectRefused(hasher.hash('password1234'), 'weak_password', 'common', 'password1234');
    await expectRefused(hasher.hash('q'.repeat(129)), 'weak_password', 'too_long', 'qqqqqqqq');
    const custom = createPasswordHasher({ argon2: FAST_ARGON2, policy: { minLength: 20 } });
    await expectRefused(
      custom.hash(PASSWORD.slice(0, 19)),
      'weak_password',
      'too_short',
      PASSWORD.slice(0, 19),
    );
    await expect(custom.hash(PASSWORD)).resolves.toMatch(/^\$argon2id\$/);
  });

  it('refuses a huge password as too long (unknown-user.test.ts checks nothing is hashed)', async () => {
    await expectRefused(hasher.hash('x'.repeat(10_000_000)), 'weak_password', 'too_long', '');
    await expectRefused(hasher.verify(null, 'x'.repeat(10_000_000)), 'invalid_request', 'too_long', '');
  });

  it('refuses an over-long login password before touching the stored hash', async () => {
    // Were the stored hash read first, this malformed one would throw a plain Error, not an AuthError.
    const error = await expectAuthError(hasher.verify('$argon2id$not-a-hash', 'q'.repeat(129)));
    expect(error.code).toBe('invalid_request');
    expect(error.reason).toBe('too_long');
  });

  it('refuses a non-string password with invalid_request, whether or not the user exists', async () => {
    const stored = await hasher.hash(PASSWORD);
    for (const value of [undefined, null, 42, ['x'], { password: PASSWORD }]) {
      for (const promise of [hasher.hash(value), hasher.verify(stored, value), hasher.verify(null, value)]) {
        const error = await expectAuthError(promise);
        expect(error.code).toBe('invalid_request');
        expect(error.status).toBe(400);
      }
    }
  });

  it('lets a password set under an older, weaker policy still log in', async () => {
    const legacy = await argon2Hash('hunter2', { ...FAST_ARGON2 });
    await expect(hasher.verify(legacy, 'hunter2')).resolves.toMatchObject({
      valid: true,
      needsRehash: false,
    });
  });

  it('verifies an unknown user against a dummy hash and never succeeds', async () => {
    for (const password of [PASSWORD, '', 'password1234']) {
      await expect(hasher.verify(null, password)).resolves.toEqual({
        valid: false,
        needsRehash: false,
        newHash: undefined,
      });
      await expect(hasher.verify(undefined, password)).resolves.toMatchObject({ valid: false });
    }
  });

  it('computes the dummy hash once, lazily, with the hasher parameters', async () => {
    const options = { ...FAST_ARGON2, algorithm: 2, version: 1, outputLen: 32 } as const;
    const dummy = createDummyHash(options as never);
    const [first, concurrent] = await Promise.all([dummy(), dummy()]);
    expect(concurrent).toBe(first);
    expect(await dummy()).toBe(first);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$/);
    expect(await argon2Verify(first, '')).toBe(false);
    // A second hasher has its own dummy (fresh salt and password).
    expect(await createDummyHash(options as never)()).not.toBe(first);
  });

  it('keeps the event loop free while hashing', async () => {
    const slow = createPasswordHasher({ argon2: { memoryCost: 65536, timeCost: 3, parallelism: 1 } });
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await slow.hash(PASSWORD);
    running = false;
    expect(ticks).toBeGreaterThan(1);
  });

  it('refuses a stored hash in no known format with an Error that does not quote it', async () => {
    for (const stored of [
      '$pbkdf2-sha256$29000$c2FsdA$aGFzaA',
      'plaintext-password',
      '',
      '$argon2id$v=19$junk',
      '$2b$12$short',
    ]) {
      const error = await hasher.verify(stored, PASSWORD).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(AuthError);
      if (stored.length > 0) expect((error as Error).message).not.toContain(stored);
    }
  });

  it('runs as many computations at once as the libuv threadpool has threads, and lets 8 per thread wait', () => {
    const threads = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4);
    expect(hasher.load()).toEqual({
      running: 0,
      queued: 0,
      maxConcurrent: threads,
      // One thread, and one core, left to logins.
      maxConcurrentHashes: Math.max(1, Math.min(threads, availableParallelism()) - 1),
      maxQueued: 8 * threads,
    });
    const sized = createPasswordHasher({ argon2: FAST_ARGON2, maxConcurrent: 2, maxQueued: 0 });
    expect(sized.load()).toMatchObject({ maxConcurrent: 2, maxConcurrentHashes: 1, maxQueued: 0 });
    expect(createPasswordHasher({ maxConcurrent: 3 }).load()).toMatchObject({ maxQueued: 24 });
    expect(createPasswordHasher({ maxConcurrent: 1 }).load()).toMatchObject({ maxConcurrentHashes: 1 });
    expect(createPasswordHasher({ maxConcurrent: 8, maxConcurrentHashes: 8 }).load()).toMatchObject({
      maxConcurrentHashes: 8,
    });
  });

  it('refuses a non-string stored hash with a TypeError', async () => {
    await expect(hasher.verify(42 as never, PASSWORD)).rejects.toThrow(TypeError);
  });

  it.each([
    [null, /^portcullis: passwords: must be an object/],
    [{ argon2: { memoryCost: 4 } }, /^portcullis: passwords\.argon2\.memoryCost: must be an integer/],
    [{ argon2: { timeCost: 0 } }, /^portcullis: passwords\.argon2\.timeCost: must be an integer/],
    [{ bcrypt: { minCost: 3 } }, /^portcullis: passwords\.bcrypt\.minCost: must be an integer from 4/],
    [{ bcrypt: { minCost: 12.5 } }, /^portcullis: passwords\.bcrypt\.minCost: must be an integer from 4/],
    [{ policy: { maxLength: 4096 } }, /^portcullis: createPasswordPolicy\.maxLength: must be an integer/],
    [{ maxConcurrent: 0 }, /^portcullis: passwords\.maxConcurrent: must be an integer/],
    [{ maxConcurrent: 2.5 }, /^portcullis: passwords\.maxConcurrent: must be an integer/],
    [{ maxConcurrent: '4' }, /^portcullis: passwords\.maxConcurrent: must be an integer/],
    [
      { maxConcurrent: 4, maxConcurrentHashes: 5 },
      /^portcullis: passwords\.maxConcurrentHashes: must be an integer/,
    ],
    [{ maxConcurrentHashes: 0 }, /^portcullis: passwords\.maxConcurrentHashes: must be an integer/],
    [{ maxQueued: -1 }, /^portcullis: passwords\.maxQueued: must be an integer/],
    [{ maxQueued: 10_001 }, /^portcullis: passwords\.maxQueued: must be an integer/],
  ])('refuses options %j with a TypeError', (options, message) => {
    expect(() => createPasswordHasher(options as never)).toThrow(TypeError);
    expect(() => createPasswordHasher(options as never)).toThrow(message);
  });
});

describe('rehash on login', () => {
  const current = createPasswordHasher({ argon2: { memoryCost: 1024, timeCost: 2, parallelism: 1 } });

  it.each([
    ['memoryCost', { memoryCost: 512, timeCost: 2, parallelism: 1 }],
    ['timeCost', { memoryCost: 1024, timeCost: 1, parallelism: 1 }],
    ['parallelism', { memoryCost: 1024, timeCost: 2, parallelism: 2 }],
    ['a stronger memoryCost', { memoryCost: 2048, timeCost: 2, parallelism: 1 }],
  ])('flags a hash made with another %s', async (_name, argon2) => {
    const old = await createPasswordHasher({ argon2 }).hash(PASSWORD);
    expect(current.needsRehash(old)).toBe(true);
    const result = await current.verify(old, PASSWORD);
    expect(result.valid).toBe(true);
    expect(result.needsRehash).toBe(true);
    if (!result.needsRehash) return;
    expect(result.newHash).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/);
    expect(current.needsRehash(result.newHash)).toBe(false);
    await expect(current.verify(result.newHash, PASSWORD)).resolves.toMatchObject({
      valid: true,
      needsRehash: false,
    });
  });

  it('does not flag a hash made with the configured parameters', async () => {
    const stored = await current.hash(PASSWORD);
    expect(current.needsRehash(stored)).toBe(false);
    await expect(current.verify(stored, PASSWORD)).resolves.toEqual({
      valid: true,
      needsRehash: false,
      newHash: undefined,
    });
  });

  it('flags argon2i and argon2d hashes for an upgrade to argon2id', async () => {
    for (const algorithm of [0, 1]) {
      const old = await argon2Hash(PASSWORD, {
        memoryCost: 1024,
        timeCost: 2,
        parallelism: 1,
        algorithm: algorithm as never,
      });
      expect(old.startsWith(algorithm === 0 ? '$argon2d$' : '$argon2i$')).toBe(true);
      expect(current.needsRehash(old)).toBe(true);
      const result = await current.verify(old, PASSWORD);
      expect(result).toMatchObject({ valid: true, needsRehash: true });
      expect(result.newHash).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/);
    }
  });

  it('flags a different output length or a short salt', async () => {
    const params = { memoryCost: 1024, timeCost: 2, parallelism: 1 };
    expect(current.needsRehash(await argon2Hash(PASSWORD, { ...params, outputLen: 16 }))).toBe(true);
    expect(
      current.needsRehash(await argon2Hash(PASSWORD, { ...params, salt: new Uint8Array(8).fill(7) })),
    ).toBe(true);
    expect(
      current.needsRehash(await argon2Hash(PASSWORD, { ...params, salt: new Uint8Array(16).fill(7) })),
    ).toBe(false);
  });

  it('never upgrades on a wrong password', async () => {
    const old = await createPasswordHasher({ argon2: FAST_ARGON2 }).hash(PASSWORD);
    await expect(current.verify(old, 'not the password at all')).resolves.toEqual({
      valid: false,
      needsRehash: false,
      newHash: undefined,
    });
  });

  it('flags text that is not an argon2 hash', () => {
    expect(current.needsRehash('')).toBe(true);
    expect(current.needsRehash('$argon2id$v=19$junk')).toBe(true);
    expect(current.needsRehash('plaintext')).toBe(true);
  });
});
