import { type RateLimiterAbstract, RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterFactory, RateLimiterSpec } from '../ratelimit/rate-limiter-factory.js';

/** A memory factory that keeps every limiter it builds, so tests can look at their counters. */
export function recordingFactory(): { factory: RateLimiterFactory; built: Map<string, RateLimiterMemory> } {
  const built = new Map<string, RateLimiterMemory>();
  const factory: RateLimiterFactory = (spec) => {
    const limiter = new RateLimiterMemory({ ...spec });
    built.set(spec.keyPrefix, limiter);
    return limiter;
  };
  return { factory, built };
}

/** Memory limiters that all write into one storage, as limiters on one Redis database would. */
export function sharedKeyspaceFactory(): { factory: RateLimiterFactory; keys: () => string[] } {
  let storage: unknown;
  const factory: RateLimiterFactory = (spec) => {
    const limiter = new RateLimiterMemory({ ...spec }) as unknown as { _memoryStorage: unknown };
    storage ??= limiter._memoryStorage;
    limiter._memoryStorage = storage;
    return limiter as unknown as RateLimiterAbstract;
  };
  const keys = () => [...(storage as { _storage: Map<string, unknown> })._storage.keys()];
  return { factory, keys };
}

type Method = 'consume' | 'get' | 'penalty' | 'reward' | 'delete';

/** A limiter whose listed methods reject with `reason`, as a backend whose connection dropped. */
export function failingFactory(reason: unknown, methods: readonly Method[]): RateLimiterFactory {
  return (spec: RateLimiterSpec) => {
    const limiter = new RateLimiterMemory({ ...spec });
    for (const method of methods) {
      (limiter as unknown as Record<Method, () => Promise<RateLimiterRes>>)[method] = () =>
        Promise.reject(reason);
    }
    return limiter;
  };
}
