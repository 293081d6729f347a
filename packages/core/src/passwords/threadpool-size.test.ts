import { describe, expect, it } from 'vitest';
import { libuvThreadpoolSize } from './threadpool-size.js';

describe('libuvThreadpoolSize', () => {
  it('is 4 when UV_THREADPOOL_SIZE is not set, as libuv', () => {
    expect(libuvThreadpoolSize({})).toBe(4);
  });

  it.each([
    ['8', 8],
    [' 16', 16],
    ['2threads', 2],
    ['0', 1],
    ['none', 1],
    ['', 1],
    ['4096', 1024],
    ['-1', 1024],
  ])('reads %j as libuv does: %i', (value, threads) => {
    expect(libuvThreadpoolSize({ UV_THREADPOOL_SIZE: value })).toBe(threads);
  });
});
