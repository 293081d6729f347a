import { parseDuration } from '@portcullis/core';
import { usageError } from './cli-error.js';
import type { FlagValues } from './command.js';

/** A string flag's value, or `undefined` when it was not given. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A string flag that must be given. */
export function requiredFlag(values: FlagValues, name: string): string {
  const value = stringFlag(values, name);
  if (value === undefined || value.trim() === '') throw usageError(`--${name} is required`);
  return value;
}

/** Every value of a repeatable flag, comma-separated values split too (`--scope a --scope b,c`). */
export function listFlag(values: FlagValues, name: string): string[] {
  const value = values[name];
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return raw
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A duration flag (`90`, `15m`, `7d`) in whole seconds, or `undefined` when not given. */
export function durationFlag(values: FlagValues, name: string): number | undefined {
  const value = stringFlag(values, name);
  if (value === undefined) return undefined;
  let seconds: number;
  try {
    seconds = parseDuration(value, `--${name}`);
  } catch {
    throw usageError(`--${name} must be a duration such as 90, 15m, 12h or 7d`);
  }
  return seconds;
}
