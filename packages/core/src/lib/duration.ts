import { optionError } from './option-error.js';

const HOW = 'give seconds, or a string such as "900", "15m", "12h" or "7d"';
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * Parses a duration given as seconds (a number) or a string such as `"90s"`, `"15m"`, `"12h"`, `"7d"`.
 * Throws `TypeError` for anything else: durations come from configuration, so a typo must stop start-up.
 *
 * @example parseDuration('15m') // 900
 */
export function parseDuration(value: number | string, optionName = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw optionError(optionName, `must be a non-negative number of seconds, not ${value}`, HOW);
    return value;
  }
  const match = /^\s*(\d+)\s*([smhdw]?)\s*$/.exec(value);
  if (!match) throw optionError(optionName, `${JSON.stringify(value)} is not a duration`, HOW);
  return Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
}
