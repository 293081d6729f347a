import { describe, expect, it } from 'vitest';
import { createMemoryApiKeyStore } from '../stores/memory/memory-api-key-store.js';
import { refusal, refusedReason, setup, strongPepper, T0 } from '../testing/api-key-fixtures.js';
import { createApiKeyManager, MAX_ROLL_GRACE_SECONDS } from './api-key-manager.js';

const FIVE_YEARS = 1825 * 86_400;

async function expectBadRequest(promise: Promise<unknown>, pattern: RegExp) {
  const error = await refusal(promise);
  expect(error.code).toBe('invalid_request');
  expect(error.status).toBe(400);
  expect(error.message).toMatch(pattern);
}

async function expectNotFound(promise: Promise<unknown>) {
  const error = await refusal(promise);
  expect(error.code).toBe('not_found');
  expect(error.status).toBe(404);
  expect(error.message).toBe('API key not found');
}

describe('create', () => {
  it('returns the key once, with a view that holds no secret', async () => {
    const ctx = setup({ allowedScopes: ['reports:read', 'reports:write'] });
    const { key, apiKey } = await ctx.manager.create({
      ownerId: 'user-1',
      name: '  deploy bot ',
      scopes: ['reports:read', 'reports:write', 'reports:read'],
      expiresIn: 86_400,
    });
    expect(apiKey).toEqual({
      id: key.slice(8, 20),
      prefix: 'pc_live',
      name: 'deploy bot',
      scopes: ['reports:read', 'reports:write'],
      createdAt: new Date(T0),
      expiresAt: new Date(T0 + 86_400_000),
      lastUsedAt: null,
      revokedAt: null,
      rolledFrom: null,
    });
    expect(Object.isFrozen(apiKey)).toBe(true);
    const stored = await ctx.store.findById(apiKey.id);
    expect(JSON.stringify(apiKey)).not.toContain(stored!.hash);
    expect(JSON.stringify(apiKey)).not.toContain(key);
    expect(JSON.parse(JSON.stringify(apiKey)).expiresAt).toBe('2026-11-29T12:00:00.000Z');
    expect(stored).toMatchObject({ ownerId: 'user-1', rolledFrom: null, revokedAt: null, lastUsedAt: null });
  });

  it('accepts the boundaries: a 100-character name, no scopes, the longest expiry, no expiry', async () => {
    const { manager } = setup();
    await expect(manager.create({ ownerId: 'u', name: 'n'.repeat(100), scopes: [] })).resolves.toBeDefined();
    const longest = await manager.create({
      ownerId: 'u',
      name: 'x',
      scopes: ['any:thing'],
      expiresIn: FIVE_YEARS,
    });
    expect(longest.apiKey.expiresAt).toEqual(new Date(T0 + FIVE_YEARS * 1000));
    const forever = await manager.create({ ownerId: 'u', name: 'x', scopes: [], expiresIn: null });
    expect(forever.apiKey.expiresAt).toBeNull();
  });

  it('refuses bad input with 400 invalid_request and stores nothing', async () => {
    const ctx = setup({ allowedScopes: ['reports:read', 'reports:write'], maxExpiresIn: '30d' });
    const base = { ownerId: 'user-1', name: 'ci', scopes: ['reports:read'] };
    const create = (input: Record<string, unknown>) =>
      ctx.manager.create({ ...base, ...input } as typeof base);
    for (const name of ['', '   ', 'n'.repeat(101), 42, null, 'bad\nname', 'bell\u0007']) {
      await expectBadRequest(create({ name }), /^name must be a non-empty string of at most 100 characters$/);
    }
    for (const scopes of ['reports:read', [42], ['has space'], ['quo"te'], Array(65).fill('a'), undefined]) {
      await expectBadRequest(create({ scopes }), /^scopes must be an array/);
    }
    for (const scopes of [['admin'], ['reports:read', 'reports:delete']]) {
      await expectBadRequest(create({ scopes }), /^scopes may only contain: reports:read, reports:write$/);
    }
    for (const expiresIn of [0, -1, 1.5, '60', 30 * 86_400 + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectBadRequest(
        create({ expiresIn }),
        /^expiresIn must be a whole number of seconds between 1 and 2592000$/,
      );
    }
    for (const ownerId of ['', 7, undefined]) {
      await expectBadRequest(create({ ownerId }), /^ownerId/);
    }
    await expectBadRequest(ctx.manager.create(null as never), /required/);
    expect(ctx.create).not.toHaveBeenCalled();
  });
});

describe('list', () => {
  it("lists only the owner's keys, newest first, revoked ones included, never a key or hash", async () => {
    const ctx = setup();
    const first = await ctx.manager.create({ ownerId: 'alice', name: 'one', scopes: ['a'] });
    ctx.clock.advance(1);
    const second = await ctx.manager.create({ ownerId: 'alice', name: 'two', scopes: ['b'] });
    await ctx.manager.create({ ownerId: 'bob', name: 'bobs', scopes: [] });
    await ctx.manager.revoke('alice', first.apiKey.id);

    const listed = await ctx.manager.list('alice');
    expect(listed.map((view) => view.name)).toEqual(['two', 'one']);
    expect(listed[1]!.revokedAt).toEqual(new Date(T0 + 1000));
    const text = JSON.stringify(listed);
    for (const { key, apiKey } of [first, second]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(20, 63));
      expect(text).not.toContain((await ctx.store.findById(apiKey.id))!.hash);
    }
    expect(listed.every((view) => !('hash' in view) && !('key' in view) && !('ownerId' in view))).toBe(true);
    expect(await ctx.manager.list('nobody')).toEqual([]);
  });
});

describe('revoke', () => {
  it('stops the key at once, and is idempotent', async () => {
    const ctx = setup();
    const { key, apiKey } = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [] });
    await ctx.manager.revoke('alice', apiKey.id);
    expect(await refusedReason(ctx.manager.verify(key))).toBe('revoked');
    ctx.clock.advance(60);
    await ctx.manager.revoke('alice', apiKey.id);
    expect((await ctx.store.findById(apiKey.id))!.revokedAt).toBe(T0);
  });

  it("answers 404 for another owner's key, an unknown id or a malformed one, and changes nothing", async () => {
    const ctx = setup();
    const { key, apiKey } = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [] });
    await expectNotFound(ctx.manager.revoke('mallory', apiKey.id));
    await expectNotFound(ctx.manager.revoke('alice', 'Z'.repeat(12)));
    ctx.findById.mockClear();
    for (const id of ['', 'short', `${apiKey.id}x`, '../etc/passwd', 12 as unknown as string]) {
      await expectNotFound(ctx.manager.revoke('alice', id));
    }
    expect(ctx.findById).not.toHaveBeenCalled();
    expect(ctx.update).not.toHaveBeenCalled();
    await expect(ctx.manager.verify(key)).resolves.toMatchObject({ subject: 'alice' });
  });
});

describe('roll', () => {
  it('issues a replacement and keeps the old key working until the grace ends', async () => {
    const ctx = setup();
    const old = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: ['r', 'w'] });
    ctx.clock.advance(100);
    const rolled = await ctx.manager.roll('alice', old.apiKey.id, { graceSeconds: 300 });
    expect(rolled.key).not.toBe(old.key);
    expect(rolled.apiKey).toMatchObject({
      name: 'ci',
      scopes: ['r', 'w'],
      rolledFrom: old.apiKey.id,
      createdAt: new Date(T0 + 100_000),
      expiresAt: null,
    });
    expect((await ctx.store.findById(old.apiKey.id))!.expiresAt).toBe(T0 + 400_000);

    ctx.clock.advance(299);
    await expect(ctx.manager.verify(old.key)).resolves.toMatchObject({ tokenId: old.apiKey.id });
    await expect(ctx.manager.verify(rolled.key)).resolves.toMatchObject({ tokenId: rolled.apiKey.id });
    ctx.clock.advance(1);
    expect(await refusedReason(ctx.manager.verify(old.key))).toBe('expired');
    await expect(ctx.manager.verify(rolled.key)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('with no grace (the default), the old key stops at once', async () => {
    const ctx = setup();
    const old = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [] });
    const rolled = await ctx.manager.roll('alice', old.apiKey.id);
    expect(await refusedReason(ctx.manager.verify(old.key))).toBe('expired');
    await expect(ctx.manager.verify(rolled.key)).resolves.toMatchObject({ subject: 'alice' });
  });

  it("keeps the old key's lifetime for the new one, and never extends the old expiry", async () => {
    const ctx = setup();
    const old = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [], expiresIn: 3600 });
    ctx.clock.advance(3500);
    const rolled = await ctx.manager.roll('alice', old.apiKey.id, { graceSeconds: 1000 });
    expect(rolled.apiKey.expiresAt).toEqual(new Date(T0 + 3_500_000 + 3_600_000));
    expect((await ctx.store.findById(old.apiKey.id))!.expiresAt).toBe(T0 + 3_600_000);
    ctx.clock.advance(100);
    expect(await refusedReason(ctx.manager.verify(old.key))).toBe('expired');
  });

  it("answers 404 for another owner's key and creates nothing", async () => {
    const ctx = setup();
    const { key, apiKey } = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [] });
    ctx.create.mockClear();
    await expectNotFound(ctx.manager.roll('mallory', apiKey.id, { graceSeconds: 60 }));
    await expectNotFound(ctx.manager.roll('alice', 'Z'.repeat(12)));
    expect(ctx.create).not.toHaveBeenCalled();
    expect(ctx.update).not.toHaveBeenCalled();
    await expect(ctx.manager.verify(key)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('answers 404 for a revoked or expired key', async () => {
    const ctx = setup();
    const revoked = await ctx.manager.create({ ownerId: 'alice', name: 'a', scopes: [] });
    await ctx.manager.revoke('alice', revoked.apiKey.id);
    const expiring = await ctx.manager.create({ ownerId: 'alice', name: 'b', scopes: [], expiresIn: 10 });
    ctx.clock.advance(10);
    ctx.create.mockClear();
    await expectNotFound(ctx.manager.roll('alice', revoked.apiKey.id));
    await expectNotFound(ctx.manager.roll('alice', expiring.apiKey.id));
    expect(ctx.create).not.toHaveBeenCalled();
  });

  it('refuses a second roll of the same key with 409, until its replacement is revoked', async () => {
    const ctx = setup();
    const old = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [] });
    const first = await ctx.manager.roll('alice', old.apiKey.id, { graceSeconds: 600 });
    const error = await refusal(ctx.manager.roll('alice', old.apiKey.id, { graceSeconds: 600 }));
    expect([error.code, error.status]).toEqual(['conflict', 409]);
    await ctx.manager.revoke('alice', first.apiKey.id);
    const second = await ctx.manager.roll('alice', old.apiKey.id, { graceSeconds: 0 });
    expect(second.apiKey.rolledFrom).toBe(old.apiKey.id);
    await expect(ctx.manager.roll('alice', second.apiKey.id)).resolves.toBeDefined();
  });

  it('refuses a bad grace with 400 before touching the store', async () => {
    const ctx = setup();
    const { apiKey } = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [] });
    ctx.findById.mockClear();
    for (const graceSeconds of [-1, 1.5, MAX_ROLL_GRACE_SECONDS + 1, '60' as unknown as number]) {
      await expectBadRequest(ctx.manager.roll('alice', apiKey.id, { graceSeconds }), /^graceSeconds must be/);
    }
    expect(ctx.findById).not.toHaveBeenCalled();
    await expect(
      ctx.manager.roll('alice', apiKey.id, { graceSeconds: MAX_ROLL_GRACE_SECONDS }),
    ).resolves.toBeDefined();
  });

  it('revokes the unseen replacement when the old key cannot be updated, so the roll can be retried', async () => {
    const ctx = setup();
    const old = await ctx.manager.create({ ownerId: 'alice', name: 'ci', scopes: [] });
    const outage = new Error('write failed');
    ctx.update.mockRejectedValueOnce(outage);
    await expect(ctx.manager.roll('alice', old.apiKey.id)).rejects.toBe(outage);
    const [orphan] = (await ctx.manager.list('alice')).filter((view) => view.rolledFrom === old.apiKey.id);
    expect(orphan!.revokedAt).toEqual(new Date(T0));
    await expect(ctx.manager.verify(old.key)).resolves.toMatchObject({ subject: 'alice' });
    const retried = await ctx.manager.roll('alice', old.apiKey.id);
    await expect(ctx.manager.verify(retried.key)).resolves.toMatchObject({ subject: 'alice' });
  });
});

describe('options', () => {
  it('are checked once, with a TypeError', () => {
    const store = createMemoryApiKeyStore();
    const pepper = strongPepper();
    const bad: Record<string, unknown>[] = [
      { store: undefined, pepper },
      { store: { findById: async () => null }, pepper },
      { store },
      { store, pepper, allowedScopes: ['has space'] },
      { store, pepper, allowedScopes: 'reports:read' },
      { store, pepper, maxExpiresIn: 0 },
      { store, pepper, maxExpiresIn: 'forever' },
      { store, pepper, lastUsedThrottle: -1 },
      { store, pepper, rateLimit: 'yes' },
      { store, pepper, clock: Date.now() },
      { store, pepper, previousPeppers: pepper },
    ];
    for (const options of bad)
      expect(() => createApiKeyManager(options as never), JSON.stringify(Object.keys(options))).toThrow(
        TypeError,
      );
    expect(createApiKeyManager({ store, pepper, prefix: 'pc_test' }).prefix).toBe('pc_test');
  });
});
