import { describe, expect, it } from 'vitest';
import { type StoreSuiteContext, uniqueId } from './context.js';

export function rateLimitSuite(ctx: StoreSuiteContext): void {
  describe('rate-limit counters', () => {
    it('counts points per key inside a window and refuses beyond the limit', async () => {
      const limiter = ctx.stores().rateLimiter({ keyPrefix: uniqueId('rl'), points: 3, duration: 60 });
      for (let i = 0; i < 3; i++) await limiter.consume('alice');
      const refused = await limiter.consume('alice').then(
        () => undefined,
        (res: unknown) => res,
      );
      expect(refused).toMatchObject({ remainingPoints: 0 });
      expect((refused as { msBeforeNext: number }).msBeforeNext).toBeGreaterThan(0);
      await expect(limiter.consume('bob')).resolves.toMatchObject({ remainingPoints: 2 });
    });

    it('keeps separate counters for separate prefixes', async () => {
      const a = ctx.stores().rateLimiter({ keyPrefix: uniqueId('rl-a'), points: 1, duration: 60 });
      const b = ctx.stores().rateLimiter({ keyPrefix: uniqueId('rl-b'), points: 1, duration: 60 });
      await a.consume('k');
      await expect(b.consume('k')).resolves.toMatchObject({ remainingPoints: 0 });
    });
  });
}
