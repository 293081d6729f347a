import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { failingFactory, recordingFactory } from '../testing/limiters.js';
import { createRateLimit, type RateLimitOptions } from './create-rate-limit.js';
import type { RateLimiterFactory, RateLimiterSpec } from './rate-limiter-factory.js';

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('createRateLimit', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets `points` requests through per window, reporting what remains', async () => {
    const limit = createRateLimit({ points: 3, duration: 60, keyPrefix: 'api' });
    expect(await limit.consume('key-1')).toEqual({ limit: 3, remaining: 2, resetAfter: 60 });
    vi.advanceTimersByTime(10_000);
    expect(await limit.consume('key-1')).toEqual({ limit: 3, remaining: 1, resetAfter: 50 });
    expect(await limit.consume('key-1')).toEqual({ limit: 3, remaining: 0, resetAfter: 50 });
  });

  it('refuses the next request with 429 rate_limited and Retry-After until the window ends', async () => {
    const limit = createRateLimit({ points: 2, duration: '1m', keyPrefix: 'api' });
    await limit.consume('key-1');
    await limit.consume('key-1');
    vi.advanceTimersByTime(20_500);
    const error = await refusal(limit.consume('key-1'));
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(40);
    expect(error.message).toBe('Too many requests');
    expect(error.challenge).toBeUndefined();
    vi.advanceTimersByTime(39_499);
    expect((await refusal(limit.consume('key-1'))).retryAfter).toBe(1);
    vi.advanceTimersByTime(1);
    expect((await limit.consume('key-1')).remaining).toBe(1);
  });

  it('counts each key on its own', async () => {
    const limit = createRateLimit({ points: 1, duration: 60, keyPrefix: 'api' });
    await limit.consume('key-1');
    await expect(limit.consume('key-1')).rejects.toThrow(AuthError);
    await expect(limit.consume('key-2')).resolves.toMatchObject({ remaining: 0 });
    await expect(limit.consume('KEY-1')).resolves.toMatchObject({ remaining: 0 });
  });

  it('forgets a key on reset', async () => {
    const limit = createRateLimit({ points: 1, duration: 60, keyPrefix: 'api' });
    await limit.consume('key-1');
    await limit.reset('key-1');
    await expect(limit.consume('key-1')).resolves.toMatchObject({ remaining: 0 });
    await limit.reset('never-seen');
  });

  it('builds one limiter through the factory, with the spec given', async () => {
    const specs: RateLimiterSpec[] = [];
    const factory: RateLimiterFactory = (spec) => {
      specs.push(spec);
      return new RateLimiterMemory(spec);
    };
    const limit = createRateLimit({
      points: 10,
      duration: '2m',
      keyPrefix: 'portcullis:apikey',
      limiterFactory: factory,
    });
    await limit.consume('a');
    await limit.consume('b');
    expect(specs).toEqual([{ keyPrefix: 'portcullis:apikey', points: 10, duration: 120 }]);
  });

  it('stores hashed keys and forgets them when the window ends', async () => {
    const { factory, built } = recordingFactory();
    const limit = createRateLimit({ points: 5, duration: 60, keyPrefix: 'api', limiterFactory: factory });
    for (let i = 0; i < 20; i++) await limit.consume(`key-${i}-${'x'.repeat(10_000)}`);
    const limiter = built.get('api')!;
    const stored = limiter.dump().storage;
    expect(stored).toHaveLength(20);
    expect(stored.every((entry) => /^[\w-]{22}$/.test(String(entry.key)))).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(limiter.dump().storage).toHaveLength(0);
  });

  it('understands a "limit exceeded" answer from another copy of rate-limiter-flexible', async () => {
    const foreign = { msBeforeNext: 5_000, remainingPoints: 0, consumedPoints: 11, isFirstInDuration: false };
    const factory: RateLimiterFactory = (spec) => {
      const limiter = new RateLimiterMemory(spec);
      limiter.consume = () => Promise.reject(foreign as RateLimiterRes);
      return limiter;
    };
    const error = await refusal(
      createRateLimit({ points: 10, duration: 60, keyPrefix: 'api', limiterFactory: factory }).consume('k'),
    );
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfter).toBe(5);
  });

  it('fails closed with 503 when the store rejects with an Error', async () => {
    const cause = new Error('Connection is closed.');
    const limit = createRateLimit({
      points: 10,
      duration: 60,
      keyPrefix: 'api',
      limiterFactory: failingFactory(cause, ['consume', 'delete']),
    });
    const error = await refusal(limit.consume('key-1'));
    expect(error.code).toBe('temporarily_unavailable');
    expect(error.status).toBe(503);
    expect(error.reason).toBe('store_unavailable');
    expect(error.cause).toBe(cause);
    expect((await refusal(limit.reset('key-1'))).code).toBe('temporarily_unavailable');
  });

  it('fails closed with 503 when the limiter throws synchronously', async () => {
    const factory: RateLimiterFactory = (spec) => {
      const limiter = new RateLimiterMemory(spec);
      limiter.consume = () => {
        throw new Error('not connected');
      };
      return limiter;
    };
    const limit = createRateLimit({ points: 10, duration: 60, keyPrefix: 'api', limiterFactory: factory });
    expect((await refusal(limit.consume('key-1'))).code).toBe('temporarily_unavailable');
  });

  it.each<[string, Partial<RateLimitOptions>]>([
    ['points 0', { points: 0 }],
    ['points 1.5', { points: 1.5 }],
    ['points "10"', { points: '10' as never }],
    ['duration "1 minute"', { duration: '1 minute' }],
    ['duration 0', { duration: 0 }],
    ['duration -5', { duration: -5 }],
    ['keyPrefix ""', { keyPrefix: '' }],
    ['keyPrefix with a space', { keyPrefix: 'api keys' }],
    ['keyPrefix missing', { keyPrefix: undefined as never }],
    ['limiterFactory returning a non-limiter', { limiterFactory: (() => ({})) as never }],
  ])('refuses %s at creation with a TypeError', (_name, override) => {
    const options = { points: 10, duration: 60, keyPrefix: 'api', ...override } as RateLimitOptions;
    expect(() => createRateLimit(options)).toThrow(TypeError);
  });
});
