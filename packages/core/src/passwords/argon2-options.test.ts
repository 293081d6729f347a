import { describe, expect, it } from 'vitest';
import { OWASP_ARGON2_OPTIONS, resolveArgon2Options } from './argon2-options.js';

describe('resolveArgon2Options', () => {
  it('defaults to the OWASP parameters m=19456 KiB, t=2, p=1', () => {
    expect(OWASP_ARGON2_OPTIONS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(resolveArgon2Options()).toEqual(OWASP_ARGON2_OPTIONS);
    expect(resolveArgon2Options({ timeCost: 3 })).toEqual({ memoryCost: 19456, timeCost: 3, parallelism: 1 });
    expect(Object.isFrozen(OWASP_ARGON2_OPTIONS)).toBe(true);
  });

  it.each([
    [{ memoryCost: 0 }, /^portcullis: passwords\.argon2\.memoryCost: must be an integer/],
    [{ memoryCost: 19456.5 }, /^portcullis: passwords\.argon2\.memoryCost: must be an integer/],
    [{ memoryCost: '19456' }, /^portcullis: passwords\.argon2\.memoryCost: must be an integer/],
    [
      { parallelism: 4, memoryCost: 16 },
      /^portcullis: passwords\.argon2\.memoryCost: must be an integer from 32/,
    ],
    [{ timeCost: 0 }, /^portcullis: passwords\.argon2\.timeCost: must be an integer/],
    [{ parallelism: 0 }, /^portcullis: passwords\.argon2\.parallelism: must be an integer/],
    [{ parallelism: 256 }, /^portcullis: passwords\.argon2\.parallelism: must be an integer/],
  ])('refuses %j with a TypeError naming the option', (options, message) => {
    expect(() => resolveArgon2Options(options as never)).toThrow(TypeError);
    expect(() => resolveArgon2Options(options as never)).toThrow(message);
  });
});
