/**
 * Wraps an async loader so that concurrent callers share one call, a success is kept, and a failure is
 * not: the next caller tries again (a provider that was down at the first sign-in is used once it is up).
 */
export function cachedOnSuccess<T>(load: () => Promise<T>): () => Promise<T> {
  let value: { readonly current: T } | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (value !== undefined) return Promise.resolve(value.current);
    pending ??= load().then(
      (loaded) => {
        value = { current: loaded };
        pending = undefined;
        return loaded;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
