import { describe, expect, it } from 'vitest';
import { asPromise, isThenable } from './maybe-promise.js';

const double = (n: number) => {
  if (n < 0) throw new Error('negative');
  return n > 100 ? Promise.resolve(n * 2) : n * 2;
};

describe('asPromise', () => {
  it('turns a value into a resolved promise and a synchronous throw into a rejection', async () => {
    await expect(asPromise(double)(2)).resolves.toBe(4);
    await expect(asPromise(double)(200)).resolves.toBe(400);
    await expect(asPromise(double)(-1)).rejects.toThrow('negative');
  });
});

describe('isThenable', () => {
  it('tells a promise from a value, falsy values included', () => {
    expect(isThenable(Promise.resolve(1))).toBe(true);
    for (const value of [0, '', null, undefined, false, {}]) expect(isThenable(value)).toBe(false);
  });
});
