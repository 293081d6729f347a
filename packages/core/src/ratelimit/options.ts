import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';

/** A count option: a positive safe integer, else `TypeError`. */
export function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw optionError(name, `must be a positive integer, not ${String(value)}`, 'omit it for the default');
  }
  return value;
}

/** A window option in seconds or as `"15m"`: whole seconds, at least 1 (every backend counts in seconds). */
export function windowSeconds(value: number | string, name: string): number {
  const seconds = parseDuration(value, name);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw optionError(name, 'must be at least 1 whole second', 'give seconds, or a string such as "15m"');
  }
  return seconds;
}

/** A `keyPrefix` option: non-empty text without whitespace. */
export function keyPrefix(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^\S+$/.test(value)) {
    throw optionError(name, 'must be a non-empty string without whitespace', "such as 'myapp:login'");
  }
  return value;
}

/** Checks what a `limiterFactory` returned, once, so a wrong factory fails at start-up and not per request. */
export function assertLimiter(limiter: unknown, methods: readonly string[], option: string): void {
  for (const method of methods) {
    if (typeof (limiter as Record<string, unknown> | null)?.[method] !== 'function') {
      throw optionError(
        option,
        `returned a limiter without ${method}()`,
        'return a rate-limiter-flexible limiter, or omit it for the memory one',
      );
    }
  }
}
