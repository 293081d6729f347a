import { isAuthError } from '../errors/auth-error.js';
import { storeUnavailable } from './store-unavailable.js';

/**
 * Wraps every method of a store so that any failure other than an `AuthError` (a lost connection, a
 * timeout, a full memory store) becomes 503 `temporarily_unavailable`. `createAuth` guards every store it
 * is given, so store implementations need no error mapping of their own and auth always fails closed.
 */
export function guardStore<T extends object>(store: T): T {
  const guarded: Record<string, unknown> = {};
  for (const name of Object.keys(store) as (keyof T & string)[]) {
    const member = store[name];
    if (typeof member !== 'function') {
      guarded[name] = member;
      continue;
    }
    guarded[name] = async (...args: unknown[]) => {
      try {
        // Looked up at call time, so a store whose methods are replaced later is still guarded.
        return await (store[name] as (...a: unknown[]) => unknown).apply(store, args);
      } catch (error) {
        throw isAuthError(error) ? error : storeUnavailable(error);
      }
    };
  }
  return guarded as T;
}
