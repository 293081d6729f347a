/**
 * A value now, or a promise of it. The request hot path (a cached token checked against a memory store)
 * returns values directly: every promise it does not create is a microtask hop a request does not pay.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Node-style completion: `error` set on failure, `value` on success. */
export type Callback<T> = (error: Error | null, value?: T) => void;

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

/**
 * `fn` as a function that reports through a Node-style callback, for hooks that take one (Express's
 * `next`, Fastify's `done`): synchronously when `fn` returns a value, once its promise settles otherwise.
 * The callback runs outside the `try`, so an exception it throws stays its own, never reported back to
 * it as `fn`'s failure.
 */
export function asCallback<A, B, T>(fn: (a: A, b: B) => MaybePromise<T>) {
  return (a: A, b: B, callback: Callback<T>): void => {
    let result: MaybePromise<T>;
    try {
      result = fn(a, b);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (isThenable(result)) result.then((value) => callback(null, value), callback);
    else callback(null, result);
  };
}

/**
 * A callback-style call as a value when it called back synchronously, a promise otherwise: for adapters
 * whose framework takes either (a Nest guard's `canActivate`, a Hono middleware handing back `next()`'s
 * promise), so that the synchronous hot path creates no promise. `start` is given the callback to pass
 * on; `finish` turns the outcome into the result, and may throw to refuse (a rejection on the async path).
 */
export function fromCallback<T, R>(
  start: (callback: Callback<T>) => void,
  finish: (error: Error | null, value: T | undefined) => MaybePromise<R>,
): MaybePromise<R> {
  let called = false;
  let outcome: MaybePromise<R> | undefined;
  let settle: ((outcome: MaybePromise<R>) => void) | undefined;
  start((error, value) => {
    if (settle === undefined) {
      called = true;
      outcome = finish(error, value);
      return;
    }
    try {
      settle(finish(error, value));
    } catch (failure) {
      settle(Promise.reject(failure));
    }
  });
  if (called) return outcome as MaybePromise<R>;
  return new Promise<R>((resolve) => {
    settle = resolve;
  });
}
