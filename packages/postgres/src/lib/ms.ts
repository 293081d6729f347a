/**
 * Times are BIGINT milliseconds. `pg` returns BIGINT as a string (it may exceed 2^53), PGlite as a number;
 * both become a number here. A millisecond timestamp stays far below 2^53.
 */
export function ms(value: unknown): number {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) {
    throw new TypeError('@portcullis/postgres: expected a BIGINT millisecond value');
  }
  return n;
}

/** Like `ms`, but SQL `NULL` stays `null` (never `0`). */
export function msOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : ms(value);
}
