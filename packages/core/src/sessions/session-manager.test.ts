import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from '../stores/memory/memory-session-store.js';
import type { SessionStore } from '../stores/session-store.js';
import { createSessionManager, type SessionManagerOptions } from './session-manager.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function fakeClock(start = Date.UTC(2026, 10, 28, 12, 0, 0)) {
  let now = start;
  return Object.assign(() => now, {
    advance(ms: number) {
      now += ms;
    },
  });
}

type Call = { method: keyof SessionStore; args: unknown[] };

/** Wraps a memory store and records every call, so tests see exactly what the store was given. */
function spyStore(inner: SessionStore) {
  const calls: Call[] = [];
  const spy = {} as SessionStore;
  for (const method of Object.keys(inner) as (keyof SessionStore)[]) {
    (spy as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.push({ method, args: structuredClone(args) });
      return (inner[method] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return {
    store: spy,
    calls,
    count: (method: keyof SessionStore) => calls.filter((c) => c.method === method).length,
  };
}

function setup(options: Partial<SessionManagerOptions> = {}) {
  const clock = fakeClock();
  const spy = spyStore(createMemorySessionStore({ clock }));
  const sessions = createSessionManager({ store: spy.store, clock, ...options });
  return { clock, sessions, ...spy };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

describe('createSessionManager', () => {
  it('issues 256-bit base64url ids, all different', async () => {
    const { sessions } = setup();
    const ids = new Set<string>();
    let ones = 0;
    for (let i = 0; i < 500; i++) {
      const { id } = await sessions.create('user-1');
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const bytes = Buffer.from(id, 'base64url');
      expect(bytes).toHaveLength(32);
      expect(bytes.toString('base64url')).toBe(id);
      for (const byte of bytes) for (let bit = 0; bit < 8; bit++) ones += (byte >> bit) & 1;
      ids.add(id);
    }
    expect(ids.size).toBe(500);
    // 128 000 random bits: one standard deviation of the share of ones is 0.0014; allow five.
    expect(Math.abs(ones / (500 * 256) - 0.5)).toBeLessThan(0.007);
  });

  it('gives the store only the SHA-256 hash of the id, never the id', async () => {
    const { sessions, calls } = setup();
    const { id, record } = await sessions.create('user-1', { roles: ['user'] });
    await sessions.resolve(id);
    await sessions.destroy(id);
    expect(record.idHash).toBe(sha256(id));
    expect(calls.map((c) => c.method)).toEqual(['create', 'get', 'delete']);
    for (const call of calls) expect(JSON.stringify(call.args)).not.toContain(id);
    expect(calls[0]!.args[0]).toMatchObject({
      idHash: sha256(id),
      subject: 'user-1',
      data: { roles: ['user'] },
    });
    expect(calls[1]!.args[0]).toBe(sha256(id));
    expect(calls[2]!.args).toEqual([sha256(id)]);
  });

  it('creates a record with idle and absolute expiries from the defaults (30 min, 12 h)', async () => {
    const { sessions, clock } = setup();
    const { record } = await sessions.create('user-1');
    expect(record).toMatchObject({
      subject: 'user-1',
      createdAt: clock(),
      idleExpiresAt: clock() + 30 * MINUTE,
      absoluteExpiresAt: clock() + 12 * HOUR,
      data: {},
    });
    expect(Object.isFrozen(record)).toBe(true);
  });

  it('issues a fresh id at every login, even for the same subject', async () => {
    const { sessions } = setup();
    const first = await sessions.create('user-1');
    const second = await sessions.create('user-1');
    expect(second.id).not.toBe(first.id);
    expect(await sessions.resolve(first.id)).not.toBeNull();
    expect(await sessions.resolve(second.id)).not.toBeNull();
  });

  it('resolves to a frozen principal that never names the id or its hash', async () => {
    const { sessions, clock } = setup();
    const { id, record } = await sessions.create('user-1', {
      roles: ['admin'],
      scopes: ['reports:read'],
      email: 'a@example.test',
    });
    const principal = await sessions.resolve(id);
    expect(principal).toEqual({
      subject: 'user-1',
      roles: ['admin'],
      scopes: ['reports:read'],
      claims: { roles: ['admin'], scopes: ['reports:read'], email: 'a@example.test' },
      tokenId: undefined,
      expiresAt: new Date(clock() + 30 * MINUTE),
      createdAt: new Date(clock()),
    });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal!.roles)).toBe(true);
    expect(Object.isFrozen(principal!.claims)).toBe(true);
    const serialized = JSON.stringify(principal);
    expect(serialized).not.toContain(id);
    expect(serialized).not.toContain(record.idHash);
  });

  it('takes roles and scopes only from arrays of strings', async () => {
    const { sessions } = setup();
    for (const data of [{ roles: 'admin', scopes: 'a b' }, { roles: ['admin', 1], scopes: [null] }, {}]) {
      const { id } = await sessions.create('user-1', data);
      const principal = await sessions.resolve(id);
      expect(principal!.roles).toEqual([]);
      expect(principal!.scopes).toEqual([]);
    }
  });

  it('ends a session after the idle timeout', async () => {
    const { sessions, clock } = setup({ idleTimeout: '30m' });
    const used = await sessions.create('user-1');
    const unused = await sessions.create('user-1');
    clock.advance(30 * MINUTE - 1);
    expect(await sessions.resolve(used.id)).not.toBeNull();
    clock.advance(1);
    expect(await sessions.resolve(unused.id)).toBeNull();
    expect(await sessions.resolve(used.id)).not.toBeNull();
  });

  it('pushes the idle expiry forward on use', async () => {
    const { sessions, clock, calls } = setup();
    const { id } = await sessions.create('user-1');
    clock.advance(20 * MINUTE);
    const principal = await sessions.resolve(id);
    expect(principal!.expiresAt.getTime()).toBe(clock() + 30 * MINUTE);
    expect(calls.at(-1)).toMatchObject({
      method: 'touch',
      args: [expect.any(String), clock() + 30 * MINUTE],
    });
    clock.advance(20 * MINUTE); // 40 minutes after login, 20 after the last use
    expect(await sessions.resolve(id)).not.toBeNull();
    clock.advance(30 * MINUTE);
    expect(await sessions.resolve(id)).toBeNull();
  });

  it('writes the idle expiry at most once per touch interval (default 1 minute)', async () => {
    const { sessions, clock, count } = setup();
    const { id } = await sessions.create('user-1');
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      expect(await sessions.resolve(id)).not.toBeNull();
    }
    expect(count('touch')).toBe(0);
    clock.advance(10_000); // 60 s since the last push
    const principal = await sessions.resolve(id);
    expect(count('touch')).toBe(1);
    expect(principal!.expiresAt.getTime()).toBe(clock() + 30 * MINUTE);
    clock.advance(59_999);
    await sessions.resolve(id);
    expect(count('touch')).toBe(1);
  });

  it('honours a configured touch interval', async () => {
    const { sessions, clock, count } = setup({ touchInterval: 0 });
    const { id } = await sessions.create('user-1');
    clock.advance(1);
    await sessions.resolve(id);
    clock.advance(1);
    await sessions.resolve(id);
    expect(count('touch')).toBe(2);
  });

  it('ends a session at the absolute timeout even when it is used all along', async () => {
    const { sessions, clock } = setup({ idleTimeout: '30m', absoluteTimeout: '2h' });
    const { id } = await sessions.create('user-1');
    const end = clock() + 2 * HOUR;
    let last = await sessions.resolve(id);
    while (clock() + 20 * MINUTE < end) {
      clock.advance(20 * MINUTE);
      last = await sessions.resolve(id);
      expect(last).not.toBeNull();
    }
    expect(last!.expiresAt.getTime()).toBe(end);
    clock.advance(end - clock());
    expect(await sessions.resolve(id)).toBeNull();
  });

  it('checks expiry itself even when the store returns an expired record', async () => {
    const clock = fakeClock();
    const inner = createMemorySessionStore({ clock });
    const lenient: SessionStore = { ...inner, get: (hash) => inner.get(hash, Number.NEGATIVE_INFINITY) };
    const sessions = createSessionManager({ store: lenient, clock });
    const { id } = await sessions.create('user-1');
    clock.advance(31 * MINUTE);
    expect(await sessions.resolve(id)).toBeNull();
  });

  it('returns null when the session disappears between lookup and touch', async () => {
    const clock = fakeClock();
    const inner = createMemorySessionStore({ clock });
    const racing: SessionStore = {
      ...inner,
      async touch(hash) {
        await inner.delete(hash);
        return false;
      },
    };
    const sessions = createSessionManager({ store: racing, clock });
    const { id } = await sessions.create('user-1');
    clock.advance(5 * MINUTE);
    expect(await sessions.resolve(id)).toBeNull();
  });

  it('destroys one session', async () => {
    const { sessions } = setup();
    const a = await sessions.create('user-1');
    const b = await sessions.create('user-1');
    await sessions.destroy(a.id);
    expect(await sessions.resolve(a.id)).toBeNull();
    expect(await sessions.resolve(b.id)).not.toBeNull();
    await expect(sessions.destroy(a.id)).resolves.toBeUndefined();
  });

  it('destroys every session of a subject and only those', async () => {
    const { sessions } = setup();
    const a = await sessions.create('user-1');
    const b = await sessions.create('user-1');
    const c = await sessions.create('user-2');
    await sessions.destroyAll('user-1');
    expect(await sessions.resolve(a.id)).toBeNull();
    expect(await sessions.resolve(b.id)).toBeNull();
    expect(await sessions.resolve(c.id)).not.toBeNull();
  });

  it('regenerates: a new id for the same subject, the old id stops working, data merged, absolute expiry kept', async () => {
    const { sessions, clock } = setup();
    const old = await sessions.create('user-1', { roles: ['user'], theme: 'dark' });
    clock.advance(10 * MINUTE);
    const fresh = await sessions.regenerate(old.id, { roles: ['admin'] });
    expect(fresh).not.toBeNull();
    expect(fresh!.id).not.toBe(old.id);
    expect(fresh!.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh!.record).toMatchObject({
      subject: 'user-1',
      createdAt: old.record.createdAt,
      absoluteExpiresAt: old.record.absoluteExpiresAt,
      idleExpiresAt: clock() + 30 * MINUTE,
      data: { roles: ['admin'], theme: 'dark' },
    });
    expect(await sessions.resolve(old.id)).toBeNull();
    const principal = await sessions.resolve(fresh!.id);
    expect(principal).toMatchObject({ subject: 'user-1', roles: ['admin'] });
    expect(await sessions.regenerate(old.id)).toBeNull();
  });

  it('does not regenerate an expired session', async () => {
    const { sessions, clock, count } = setup();
    const old = await sessions.create('user-1');
    clock.advance(31 * MINUTE);
    expect(await sessions.regenerate(old.id)).toBeNull();
    expect(count('create')).toBe(1);
  });

  it('never looks up a malformed id', async () => {
    const { sessions, calls } = setup();
    const { id } = await sessions.create('user-1');
    calls.length = 0;
    const malformed: unknown[] = [
      '',
      'short',
      id.slice(0, 42),
      `${id}A`,
      `${id.slice(0, 42)}B`, // non-canonical last character: not what the generator yields
      `${id.slice(0, 42)}=`,
      `+${id.slice(1)}`,
      `/${id.slice(1)}`,
      ` ${id.slice(1)}`,
      `${id.slice(0, 42)}\u0000`,
      'A'.repeat(257),
      'A'.repeat(100_000),
      Buffer.from(id, 'base64url').toString('base64'),
      undefined,
      null,
      42,
      { toString: () => id },
    ];
    for (const bad of malformed) {
      expect(await sessions.resolve(bad as string)).toBeNull();
      expect(await sessions.regenerate(bad as string)).toBeNull();
      await sessions.destroy(bad as string);
    }
    expect(calls).toEqual([]);
  });

  it('propagates store failures', async () => {
    const clock = fakeClock();
    const failing: SessionStore = {
      ...createMemorySessionStore({ clock }),
      get: async () => {
        throw new Error('connection lost');
      },
    };
    const sessions = createSessionManager({ store: failing, clock });
    const { id } = await sessions.create('user-1');
    await expect(sessions.resolve(id)).rejects.toThrow('connection lost');
  });

  it('refuses misuse with TypeError', async () => {
    const { store } = setup();
    expect(() => createSessionManager({} as SessionManagerOptions)).toThrow(TypeError);
    expect(() => createSessionManager({ store, idleTimeout: 0 })).toThrow(TypeError);
    expect(() => createSessionManager({ store, absoluteTimeout: 'forever' })).toThrow(TypeError);
    expect(() => createSessionManager({ store, idleTimeout: '1m', touchInterval: '1m' })).toThrow(TypeError);
    expect(() => createSessionManager({ store, idleTimeout: '30s' })).not.toThrow();
    const sessions = createSessionManager({ store });
    await expect(sessions.create('')).rejects.toThrow(TypeError);
    await expect(sessions.create('user-1', [] as never)).rejects.toThrow(TypeError);
    await expect(sessions.regenerate('x', null as never)).rejects.toThrow(TypeError);
    await expect(sessions.destroyAll('')).rejects.toThrow(TypeError);
  });
});
