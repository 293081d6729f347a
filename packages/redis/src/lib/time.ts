/** A time in ms as Redis stores it: the exact decimal string of the number. */
export function encodeTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new TypeError('@portcullis/redis: a time must be a finite number of ms');
  return String(ms);
}

/** Reads back a time written by `encodeTime`; `''`, `null` or a missing field is `null`. */
export function decodeTime(value: string | null | undefined): number | null {
  return value === undefined || value === null || value === '' ? null : Number(value);
}
