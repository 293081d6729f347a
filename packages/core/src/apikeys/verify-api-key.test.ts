import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { refusal, refusedReason, setup, strongPepper, T0 } from '../testing/api-key-fixtures.js';
import { API_KEY_ID_LENGTH, formatApiKey } from './api-key-format.js';
import { createApiKeyManager } from './api-key-manager.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX_END = 'pc_live'.length;

/** Another character of the same class at `position` (lowercase in the prefix, base62 elsewhere). */
function substitute(char: string, position: number, offset: number): string {
  const alphabet = position < PREFIX_END ? 'abcdefghijklmnopqrstuvwxyz' : BASE62;
  // 1 + (offset mod (n − 1)) is never a multiple of n: the result always differs from `char`.
  return alphabet[(alphabet.indexOf(char) + 1 + (offset % (alphabet.length - 1))) % alphabet.length]!;
}

/** Lets the un-awaited lastUsedAt write and its bookkeeping finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function issued(ctx: ReturnType<typeof setup>, extra: { expiresIn?: number } = {}) {
  const created = await ctx.manager.create({
    ownerId: 'user-1',
    name: 'ci',
    scopes: ['reports:read'],
    ...extra,
  });
  ctx.create.mockClear();
  ctx.findById.mockClear();
  ctx.update.mockClear();
  return created;
}

describe('verify', () => {
  it('turns a created key into a frozen principal of its owner', async () => {
    const ctx = setup();
    const { key, apiKey } = await ctx.manager.create({
      ownerId: 'user-1',
      name: 'ci',
      scopes: ['reports:read', 'reports:write'],
      expiresIn: 3600,
    });
    const principal = await ctx.manager.verify(key);
    expect(principal).toEqual({
      subject: 'user-1',
      roles: [],
      scopes: ['reports:read', 'reports:write'],
      tokenId: apiKey.id,
      expiresAt: new Date(T0 + 3600_000),
      claims: { key_id: apiKey.id, name: 'ci', prefix: 'pc_live', created_at: T0 / 1000 },
    });
    expect(
      Object.isFrozen(principal) && Object.isFrozen(principal.claims) && Object.isFrozen(principal.scopes),
    ).toBe(true);
    const stored = await ctx.store.findById(apiKey.id);
    expect(JSON.stringify(principal)).not.toContain(stored!.hash);
    expect(JSON.stringify(principal)).not.toContain(key.slice(8 + API_KEY_ID_LENGTH, 63));
  });

  it('has no expiry for a key created without expiresIn', async () => {
    const ctx = setup();
    const { key } = await issued(ctx);
    ctx.clock.advance(10 * 365 * 86_400);
    expect((await ctx.manager.verify(key)).expiresAt).toBeUndefined();
  });

  it('refuses every one-character change, and checksum failures never reach the store', async () => {
    const ctx = setup();
    const { key } = await issued(ctx);
    const checksumStart = key.length - 6;
    for (let i = 0; i < key.length; i++) {
      if (key[i] === '_') continue;
      for (const offset of [0, 17, 40]) {
        const changed = key.slice(0, i) + substitute(key[i]!, i, offset) + key.slice(i + 1);
        expect(changed).not.toBe(key);
        const reason = await refusedReason(ctx.manager.verify(changed));
        // CRC-32 detects every single-byte change (any burst ≤ 32 bits), whether in the prefix, the id,
        // the secret or the checksum itself.
        expect(reason, `position ${i}`).toBe('bad_checksum');
      }
    }
    // Characters outside the alphabet and moved separators are malformed, at every position.
    for (let i = 0; i < checksumStart; i++) {
      for (const bad of ['-', '=', ' ', '_', 'é']) {
        if (key[i] === bad) continue;
        const changed = key.slice(0, i) + bad + key.slice(i + 1);
        expect(['malformed', 'bad_checksum'], `position ${i} ${bad}`).toContain(
          await refusedReason(ctx.manager.verify(changed)),
        );
      }
    }
    expect(ctx.findById).not.toHaveBeenCalled();
    // The unchanged key still works, so the refusals above were about the changes.
    await expect(ctx.manager.verify(key)).resolves.toMatchObject({ subject: 'user-1' });
    expect(ctx.findById).toHaveBeenCalledTimes(1);
  });

  it('refuses a changed character in the random part as bad_checksum without a lookup', async () => {
    const ctx = setup();
    const { key } = await issued(ctx);
    for (let i = PREFIX_END + 1; i < PREFIX_END + 1 + 55; i++) {
      const changed = key.slice(0, i) + substitute(key[i]!, i, i) + key.slice(i + 1);
      expect(await refusedReason(ctx.manager.verify(changed))).toBe('bad_checksum');
    }
    expect(ctx.findById).not.toHaveBeenCalled();
  });

  it('refuses truncated, extended, missing, oversize and non-string input without a lookup', async () => {
    const ctx = setup();
    const { key } = await issued(ctx);
    expect(await refusedReason(ctx.manager.verify(key.slice(0, -1)))).toBe('malformed');
    expect(await refusedReason(ctx.manager.verify(key + 'A'))).toBe('malformed');
    expect(await refusedReason(ctx.manager.verify(` ${key}`))).toBe('malformed');
    expect(await refusedReason(ctx.manager.verify('Bearer'))).toBe('malformed');
    expect(await refusedReason(ctx.manager.verify('a'.repeat(257)))).toBe('oversize');
    expect(await refusedReason(ctx.manager.verify(`${'a_'.repeat(100)}${key}`))).toBe('oversize');
    expect(await refusedReason(ctx.manager.verify(42 as unknown as string))).toBe('malformed');
    for (const missing of ['', undefined, null]) {
      const error = await refusal(ctx.manager.verify(missing as unknown as string));
      expect(error.reason).toBe('missing');
      expect(error.message).toBe('Invalid API key');
      expect(error.challengeError).toBe(false);
    }
    expect(ctx.findById).not.toHaveBeenCalled();
  });

  it('refuses a key of another prefix (a test key on a live server) without a lookup', async () => {
    const ctx = setup();
    const testKeys = createApiKeyManager({
      store: ctx.store,
      pepper: ctx.pepper,
      prefix: 'pc_test',
      clock: ctx.clock,
    });
    const { key } = await testKeys.create({ ownerId: 'user-1', name: 'ci', scopes: [] });
    ctx.findById.mockClear();
    expect(await refusedReason(ctx.manager.verify(key))).toBe('wrong_prefix');
    expect(ctx.findById).not.toHaveBeenCalled();
  });

  it('refuses a well-formed key with an unknown id as unknown', async () => {
    const ctx = setup();
    await issued(ctx);
    const forged = formatApiKey('pc_live', 'Z'.repeat(55));
    expect(await refusedReason(ctx.manager.verify(forged))).toBe('unknown');
    expect(ctx.findById).toHaveBeenCalledWith('Z'.repeat(12));
  });

  it('refuses a valid checksum with a wrong secret as hash_mismatch', async () => {
    const ctx = setup();
    const { key, apiKey } = await issued(ctx);
    const secret = key.slice(8 + 12, 63);
    const otherSecret = secret.slice(1) + (secret[0] === 'a' ? 'b' : 'a');
    const forged = formatApiKey('pc_live', apiKey.id + otherSecret);
    expect(await refusedReason(ctx.manager.verify(forged))).toBe('hash_mismatch');
    expect(ctx.findById).toHaveBeenCalledWith(apiKey.id);
    expect(ctx.update).not.toHaveBeenCalled();
  });

  it('refuses a revoked key at once', async () => {
    const ctx = setup();
    const { key, apiKey } = await issued(ctx);
    await ctx.manager.verify(key);
    await ctx.manager.revoke('user-1', apiKey.id);
    expect(await refusedReason(ctx.manager.verify(key))).toBe('revoked');
  });

  it('refuses an expired key from its expiry instant on', async () => {
    const ctx = setup();
    const { key } = await issued(ctx, { expiresIn: 3600 });
    ctx.clock.advance(3599);
    await expect(ctx.manager.verify(key)).resolves.toMatchObject({ subject: 'user-1' });
    ctx.clock.advance(1);
    expect(await refusedReason(ctx.manager.verify(key))).toBe('expired');
  });

  it('fails closed when the store cannot be read', async () => {
    const ctx = setup();
    const { key } = await issued(ctx);
    const outage = new Error('connection refused');
    ctx.findById.mockRejectedValueOnce(outage);
    await expect(ctx.manager.verify(key)).rejects.toBe(outage);
  });

  it('writes lastUsedAt at most once per throttle interval', async () => {
    const ctx = setup();
    const { key, apiKey } = await issued(ctx);
    for (let i = 0; i < 10; i++) {
      await ctx.manager.verify(key);
      ctx.clock.advance(5);
    }
    await vi.waitFor(() => expect(ctx.update).toHaveBeenCalledTimes(1));
    expect(ctx.update).toHaveBeenCalledWith(apiKey.id, { lastUsedAt: T0 });
    expect((await ctx.manager.list('user-1'))[0]!.lastUsedAt).toEqual(new Date(T0));
    ctx.clock.advance(10); // 60 s after the first use
    await ctx.manager.verify(key);
    await vi.waitFor(() => expect(ctx.update).toHaveBeenCalledTimes(2));
    expect(ctx.update).toHaveBeenLastCalledWith(apiKey.id, { lastUsedAt: T0 + 60_000 });
  });

  it('honours a custom lastUsedThrottle (0 writes on every use)', async () => {
    const ctx = setup({ lastUsedThrottle: 0 });
    const { key } = await issued(ctx);
    for (let i = 0; i < 3; i++) {
      await ctx.manager.verify(key);
      await settle();
      expect(ctx.update).toHaveBeenCalledTimes(i + 1);
      ctx.clock.advance(1);
    }
  });

  it('writes lastUsedAt once for concurrent requests, and a failing write never fails a request', async () => {
    const ctx = setup();
    const { key } = await issued(ctx);
    let release: (value: boolean) => void = () => undefined;
    ctx.update.mockImplementationOnce(() => new Promise<boolean>((resolve) => (release = resolve)));
    await Promise.all(Array.from({ length: 5 }, () => ctx.manager.verify(key)));
    await vi.waitFor(() => expect(ctx.update).toHaveBeenCalledTimes(1));
    await ctx.manager.verify(key);
    expect(ctx.update).toHaveBeenCalledTimes(1);
    release(true);

    const other = setup();
    const { key: otherKey } = await issued(other);
    other.update.mockRejectedValueOnce(new Error('write failed'));
    await expect(other.manager.verify(otherKey)).resolves.toMatchObject({ subject: 'user-1' });
    other.update.mockImplementationOnce(() => {
      throw new Error('synchronous failure');
    });
    await vi.waitFor(() => expect(other.update).toHaveBeenCalledTimes(1));
    // The failed write left lastUsedAt null, so the next request tries again — and a throwing store is harmless.
    await expect(other.manager.verify(otherKey)).resolves.toMatchObject({ subject: 'user-1' });
    await vi.waitFor(() => expect(other.update).toHaveBeenCalledTimes(2));
  });

  it('calls the rate-limit hook after a successful verification, and its refusal propagates', async () => {
    const limited = new AuthError('rate_limited', 'Too many requests', { retryAfter: 30 });
    const rateLimit = vi.fn(async (_keyId: string) => undefined);
    const ctx = setup({ rateLimit });
    const { key, apiKey } = await issued(ctx);
    const principal = await ctx.manager.verify(key);
    expect(rateLimit).toHaveBeenCalledExactlyOnceWith(apiKey.id, principal);

    await refusedReason(ctx.manager.verify(key.slice(0, -1)));
    await ctx.manager.revoke('user-1', apiKey.id);
    await refusedReason(ctx.manager.verify(key));
    expect(rateLimit).toHaveBeenCalledTimes(1);

    const second = setup({ rateLimit: vi.fn().mockRejectedValue(limited) });
    const { key: secondKey } = await issued(second);
    await expect(second.manager.verify(secondKey)).rejects.toBe(limited);
    // A refused request is not a use.
    await settle();
    expect(second.update).not.toHaveBeenCalled();
  });

  it('never gives the store the plaintext key, only its HMAC under the pepper', async () => {
    const ctx = setup();
    const { key, apiKey } = await ctx.manager.create({
      ownerId: 'user-1',
      name: 'ci',
      scopes: ['reports:read'],
    });
    await ctx.manager.verify(key);
    await ctx.manager.roll('user-1', apiKey.id, { graceSeconds: 60 });
    const secret = key.slice(8 + 12, 63);
    const seenByStore = JSON.stringify([
      ctx.create.mock.calls,
      ctx.update.mock.calls,
      ctx.findById.mock.calls,
      await ctx.store.listByOwner('user-1'),
    ]);
    expect(seenByStore).not.toContain(key);
    expect(seenByStore).not.toContain(secret);
    expect(seenByStore).not.toContain(secret.slice(0, 16));
    const record = await ctx.store.findById(apiKey.id);
    expect(record!.hash).toBe(createHmac('sha256', ctx.pepper).update(key).digest('base64url'));
  });
});

describe('peppers', () => {
  it('refuses a pepper shorter than 32 bytes, a placeholder, or a non-secret, with a TypeError', () => {
    const { store } = setup();
    for (const pepper of [
      randomBytes(31),
      randomBytes(16).toString('hex').slice(0, 31),
      'changeme'.repeat(8),
      42,
    ]) {
      expect(() => createApiKeyManager({ store, pepper: pepper as string })).toThrow(TypeError);
    }
    expect(() => createApiKeyManager({ store, pepper: strongPepper(), previousPeppers: ['short'] })).toThrow(
      /^portcullis: apiKeys\.previousPeppers\[0\]: HMAC secret is too short/,
    );
    expect(() => createApiKeyManager({ store, pepper: randomBytes(32) })).not.toThrow();
  });

  it('verifies keys hashed under a previous pepper, and hashes new keys under the current one', async () => {
    const ctx = setup();
    const { key: oldKey } = await ctx.manager.create({ ownerId: 'user-1', name: 'old', scopes: [] });
    const newPepper = randomBytes(32);
    const rotated = createApiKeyManager({
      store: ctx.store,
      pepper: newPepper,
      previousPeppers: [strongPepper(), ctx.pepper],
      clock: ctx.clock,
    });
    await expect(rotated.verify(oldKey)).resolves.toMatchObject({ subject: 'user-1' });

    const currentOnly = createApiKeyManager({ store: ctx.store, pepper: newPepper, clock: ctx.clock });
    expect(await refusedReason(currentOnly.verify(oldKey))).toBe('hash_mismatch');
    const { key: newKey } = await rotated.create({ ownerId: 'user-1', name: 'new', scopes: [] });
    await expect(currentOnly.verify(newKey)).resolves.toMatchObject({ subject: 'user-1' });
    expect(await refusedReason(ctx.manager.verify(newKey))).toBe('hash_mismatch');
  });
});
