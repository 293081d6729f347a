import { RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { emailForCounting } from './email-for-counting.js';
import { consumePoint, isRateLimiterRes, storeCall } from './limiter-call.js';
import { limiterKey } from './limiter-key.js';
import { retryAfterSeconds } from './rate-limited.js';

describe('rate-limit helpers', () => {
  it('normalises e-mails: NFKC, trimmed, lower-cased', () => {
    expect(emailForCounting('  Alice@Example.COM ')).toBe('alice@example.com');
    expect(emailForCounting('\u00a0alice@example.com\u3000')).toBe('alice@example.com');
    expect(emailForCounting('ＡＬＩＣＥ@example.com')).toBe('alice@example.com');
    expect(emailForCounting('e\u0301@example.com')).toBe('\u00e9@example.com');
  });

  it('hashes keys to 22 base64url characters, stable and distinct', () => {
    expect(limiterKey('alice@example.com')).toMatch(/^[\w-]{22}$/);
    expect(limiterKey('alice@example.com')).toBe(limiterKey('alice@example.com'));
    expect(limiterKey('alice@example.com')).not.toBe(limiterKey('bob@example.com'));
    expect(limiterKey('x'.repeat(1_000_000))).toHaveLength(22);
    expect(limiterKey('')).toHaveLength(22);
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(600_000)).toBe(600);
    expect(retryAfterSeconds(599_001)).toBe(600);
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(-1)).toBe(1);
  });

  it('tells a RateLimiterRes from a failure by shape', () => {
    expect(isRateLimiterRes(new RateLimiterRes(0, 1000, 6, false))).toBe(true);
    expect(isRateLimiterRes({ msBeforeNext: 1, consumedPoints: 2 })).toBe(true);
    expect(isRateLimiterRes(Object.assign(new Error('x'), { msBeforeNext: 1, consumedPoints: 2 }))).toBe(
      false,
    );
    expect(isRateLimiterRes({ msBeforeNext: '1', consumedPoints: 2 })).toBe(false);
    expect(isRateLimiterRes(null)).toBe(false);
    expect(isRateLimiterRes('rate limited')).toBe(false);
  });

  it('maps consume outcomes: resolved → allowed, RateLimiterRes → refused, anything else → 503', async () => {
    const res = new RateLimiterRes(4, 1000, 1, true);
    await expect(consumePoint(() => Promise.resolve(res))).resolves.toEqual({ allowed: true, res });
    await expect(consumePoint(() => Promise.reject(res))).resolves.toEqual({ allowed: false, res });
    await expect(consumePoint(() => Promise.reject(new Error('down')))).rejects.toMatchObject({
      code: 'temporarily_unavailable',
    });
    await expect(storeCall(() => Promise.reject(new Error('down')))).rejects.toMatchObject({ status: 503 });
    await expect(storeCall(() => Promise.resolve(true))).resolves.toBe(true);
  });
});
