import { describe, expect, it } from 'vitest';
import { asCallback, asPromise, type Callback, fromCallback } from './maybe-promise.js';

const double = (n: number) => {
  if (n < 0) throw new Error('negative');
  return n > 100 ? Promise.resolve(n * 2) : n * 2;
};

describe('asPromise / asCallback', () => {
  it('turn a synchronous throw into a rejection or an error callback', async () => {
    await expect(asPromise(double)(2)).resolves.toBe(4);
    await expect(asPromise(double)(-1)).rejects.toThrow('negative');
    const calls: unknown[] = [];
    asCallback((n: number, _unused: undefined) => double(n))(-1, undefined, (error) => calls.push(error));
    expect(calls).toHaveLength(1);
    expect(String(calls[0])).toContain('negative');
  });

  it('call back synchronously for a value, after the promise otherwise', async () => {
    const twice = asCallback((n: number, _unused: undefined) => double(n));
    let value: number | undefined;
    twice(2, undefined, (_error, v) => (value = v));
    expect(value).toBe(4);
    const later = new Promise<number | undefined>((resolve) => twice(200, undefined, (_e, v) => resolve(v)));
    await expect(later).resolves.toBe(400);
  });
});

describe('fromCallback', () => {
  const syncStart = (n: number) => (callback: Callback<number>) =>
    n < 0 ? callback(new Error('refused')) : callback(null, n);
  const asyncStart = (n: number) => (callback: Callback<number>) =>
    setTimeout(() => (n < 0 ? callback(new Error('refused')) : callback(null, n)), 1);
  const finish = (error: Error | null, value: number | undefined) => {
    if (error !== null) throw error;
    return value! + 1;
  };

  it('returns the value itself when the callback came synchronously, and throws a synchronous refusal', () => {
    expect(fromCallback(syncStart(1), finish)).toBe(2);
    expect(() => fromCallback(syncStart(-1), finish)).toThrow('refused');
  });

  it('returns a promise when the callback comes later, rejected when finish throws', async () => {
    const later = fromCallback(asyncStart(1), finish);
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toBe(2);
    await expect(fromCallback(asyncStart(-1), finish)).rejects.toThrow('refused');
  });
});
