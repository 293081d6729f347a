import { isAuthError } from '../errors/auth-error.js';
import { isThenable } from '../lib/maybe-promise.js';
import { storeUnavailable } from './store-unavailable.js';

/**
 * Wraps every method of a store so that any failure other than an `AuthError` (a lost connection, a
 * timeout, a full memory store) becomes 503 `temporarily_unavailable`. `createAuth` guards every store it
 * is given, so store implementations need no error mapping of their own and auth always fails closed.
 */
function asStoreError(error: unknown): unknown {
  return isAuthError(error) ? error : storeUnavailable(error);
}

function rethrowAsStoreError(error: unknown): never {
  throw asStoreError(error);
}

/**
 * The names of a store's own properties and of the methods it inherits from its class (up to, not
 * including, `Object.prototype`): a store written as a class keeps its methods on the prototype.
 */
function memberNames(store: object): string[] {
  const names = new Set(Object.keys(store));
  for (
    let proto = Object.getPrototypeOf(store);
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function')
        names.add(name);
    }
  }
  return [...names];
}

export function guardStore<T extends object>(store: T): T {
  const guarded: Record<string, unknown> = {};
  for (const name of memberNames(store) as (keyof T & string)[]) {
    const member = store[name];
    if (typeof member !== 'function') {
      guarded[name] = member;
      continue;
    }
    guarded[name] = (...args: unknown[]): unknown => {
      try {
        // Looked up at call time, so a store whose methods are replaced later is still guarded. The store's
        // own promise is passed on with one rejection handler: no extra async frame on the hot path (the
        // revocation check runs on every authenticated request), and a store that answered synchronously
        // (a memory store's `isRevoked`) is passed on as it answered.
        const result = (store[name] as (...a: unknown[]) => unknown).apply(store, args);
        return isThenable(result) ? result.then(undefined, rethrowAsStoreError) : result;
      } catch (error) {
        return Promise.reject(asStoreError(error));
      }
    };
  }
  return guarded as T;
}
