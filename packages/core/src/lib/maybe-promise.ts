/**
 * A value now, or a promise of it. The request hot path (a cached token checked against a memory store)
 * returns values directly: every promise it does not create is a microtask hop a request does not pay.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Whether a `MaybePromise` is the promise rather than the value itself.
 *
 * @example
 * const context = authenticateNow(auth, request);
 * if (isThenable(context)) return context.then(proceed);
 * return proceed(context);
 */
export function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** `fn` as a promise-returning function: a synchronous throw becomes a rejection, a value a resolved promise. */
export function asPromise<A extends unknown[], T>(fn: (...args: A) => MaybePromise<T>) {
  return (...args: A): Promise<T> => {
    try {
      return Promise.resolve(fn(...args));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
