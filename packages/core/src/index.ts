export * from './errors/index.js';
export * from './http/index.js';
export * from './keys/index.js';
export * from './tokens/index.js';
export * from './stores/index.js';
export type { RateLimiterFactory, RateLimiterSpec } from './ratelimit/rate-limiter-factory.js';
export type { Clock } from './lib/clock.js';
export { parseDuration } from './lib/duration.js';
