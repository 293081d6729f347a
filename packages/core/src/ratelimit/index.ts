export type { RateLimit, RateLimitOptions, RateLimitResult } from './create-rate-limit.js';
export { createRateLimit } from './create-rate-limit.js';
export type { LoginAttempt, LoginThrottle, LoginThrottleOptions } from './login-throttle.js';
export { createLoginThrottle } from './login-throttle.js';
export type { RateLimiterFactory, RateLimiterSpec } from './rate-limiter-factory.js';
export { memoryRateLimiterFactory } from './rate-limiter-factory.js';
