/** A time in ms as Redis stores it: the exact decimal string of the number. */
export function encodeTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new TypeError('@portcullis/redis: a time must be a finite number of ms');
  return String(ms);
}

/** Reads back a time written by `encodeTime`; `''`, `null` or a missing field is `null`. */
export function decodeTime(value: string | null | undefined): number | null {
  return value === undefined || value === null || value === '' ? null : Number(value);
}

/**
 * A `PXAT` argument for an entry that must last until `ms`: whole ms, rounded up so that it never lapses
 * early, and at least 1 (Redis refuses 0; a time in the past makes the entry expire at once).
 */
export function pxat(ms: number): string {
  return encodeTime(Math.max(1, Math.ceil(ms)));
}
