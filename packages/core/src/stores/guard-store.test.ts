import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { guardStore } from './guard-store.js';

describe('guardStore', () => {
  const store = {
    ok: async (x: number) => x * 2,
    rejects: async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    },
    throwsSync: (() => {
      throw new Error('socket closed');
    }) as () => Promise<never>,
    refuses: async () => {
      throw new AuthError('not_found', 'Not found');
    },
  };
  const guarded = guardStore(store);

  it('passes results through', async () => {
    await expect(guarded.ok(21)).resolves.toBe(42);
  });

  it("passes a synchronous answer on as it is, not as a promise (the memory store's isRevoked)", () => {
    const syncStore = guardStore({ isRevoked: (_check: unknown, _now: number) => false });
    expect(syncStore.isRevoked({}, 0)).toBe(false);
  });

  it('turns a rejected or synchronously throwing store call into a rejected 503, never a sync throw', async () => {
    for (const call of [() => guarded.rejects(), () => guarded.throwsSync()]) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      const error = (await promise!.catch((e: unknown) => e)) as AuthError;
      expect(error).toBeInstanceOf(AuthError);
      expect(error.status).toBe(503);
      expect(error.code).toBe('temporarily_unavailable');
      expect(error.message).not.toContain('ECONNREFUSED');
    }
  });

  it('lets an AuthError through unchanged', async () => {
    await expect(guarded.refuses()).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('keeps the methods of a class-based store (on its prototype), bound to the instance', async () => {
    class Base {
      protected readonly rows = new Map<string, number>([['a', 1]]);
      async find(id: string) {
        return this.rows.get(id) ?? null;
      }
    }
    class MyStore extends Base {
      async fails(): Promise<never> {
        throw new Error('connect ECONNREFUSED 10.0.0.1:5432');
      }
    }
    const guardedClass = guardStore(new MyStore());
    await expect(guardedClass.find('a')).resolves.toBe(1);
    await expect(guardedClass.fails()).rejects.toMatchObject({
      code: 'temporarily_unavailable',
      status: 503,
    });
  });
});
