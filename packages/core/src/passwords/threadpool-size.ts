/** libuv's own ceiling on `UV_THREADPOOL_SIZE`. */
const MAX_THREADPOOL_SIZE = 1024;
const DEFAULT_THREADPOOL_SIZE = 4;

/**
 * The number of libuv threadpool threads, read from `UV_THREADPOOL_SIZE` as libuv reads it (its leading
 * digits; `0` or no digits mean 1; capped at 1024), or 4 when it is not set: how many argon2 and bcrypt
 * computations can really run at once, since each holds one thread.
 *
 * @example libuvThreadpoolSize({ UV_THREADPOOL_SIZE: '8' }) // 8
 */
export function libuvThreadpoolSize(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env['UV_THREADPOOL_SIZE'];
  if (raw === undefined) return DEFAULT_THREADPOOL_SIZE;
  const parsed = Number.parseInt(raw, 10);
  // libuv parses with atoi() into an unsigned int: no digits read as 0, and a negative number wraps to a huge one.
  if (Number.isNaN(parsed) || parsed === 0) return 1;
  if (parsed < 0) return MAX_THREADPOOL_SIZE;
  return Math.min(parsed, MAX_THREADPOOL_SIZE);
}
