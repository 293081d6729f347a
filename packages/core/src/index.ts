export * from './errors/index.js';
export * from './http/index.js';
export * from './keys/index.js';
export type { Clock } from './lib/clock.js';
export { parseDuration } from './lib/duration.js';
export type { RateLimiterFactory, RateLimiterSpec } from './ratelimit/rate-limiter-factory.js';
export * from './stores/index.js';
export * from './tokens/index.js';
