import { describe, expect, it } from 'vitest';
import { createBoundedCache } from './bounded-cache.js';

describe('bounded cache', () => {
  it('never holds more than its bound, evicting the oldest insertion first', () => {
    const cache = createBoundedCache<number>(3);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, Number.POSITIVE_INFINITY);
    expect(cache.size).toBe(3);
    expect(cache.get('k0', 0)).toBeUndefined();
    expect(cache.get('k1', 0)).toBeUndefined();
    expect([cache.get('k2', 0), cache.get('k3', 0), cache.get('k4', 0)]).toEqual([2, 3, 4]);
  });

  it('expires entries by the given time, and keeps its bound after deletions and expiries', () => {
    const cache = createBoundedCache<string>(2);
    cache.set('a', 'A', 100);
    expect(cache.get('a', 99)).toBe('A');
    expect(cache.get('a', 100)).toBeUndefined();
    cache.set('b', 'B', 1000);
    cache.delete('b');
    for (let i = 0; i < 10; i++) cache.set(`x${i}`, String(i), 1000);
    expect(cache.size).toBe(2);
    expect(cache.get('x9', 0)).toBe('9');
    expect(cache.get('x8', 0)).toBe('8');
  });

  it('does not evict a key re-set in place, and re-setting does not grow it', () => {
    const cache = createBoundedCache<number>(2);
    cache.set('a', 1, 1000);
    cache.set('a', 2, 1000);
    cache.set('b', 3, 1000);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 0)).toBe(2);
    cache.set('c', 4, 1000); // evicts the oldest insertion: a
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('b', 0)).toBe(3);
  });

  it('stays correct through a million inserts into a full cache of 10 000', () => {
    const cache = createBoundedCache<number>(10_000);
    for (let i = 0; i < 1_000_000; i++) cache.set(`token-${i}`, i, Number.POSITIVE_INFINITY);
    expect(cache.size).toBe(10_000);
    expect(cache.get('token-999999', 0)).toBe(999_999);
    expect(cache.get('token-989999', 0)).toBeUndefined();
  });
});
