import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';

/** Scheduled key rotation, as `createAuth({ keys: { rotation } })` and `createKeyring({ rotation })` take it. */
export interface KeyRotationOptions {
  /** How long each key signs before the next one takes over, e.g. `"30d"`. */
  every: number | string;
  /**
   * How long a new key is published in the JWKS before it signs, so that resource servers' JWKS caches
   * already hold it when the first token names it: at least their JWKS cache lifetime (portcullis's JWKS
   * says `max-age=300`). Shorter than `every`. Default `"1d"`.
   */
  prePublish?: number | string;
}

export interface RotationSchedule {
  readonly everyMs: number;
  readonly prePublishMs: number;
}

/**
 * Checks a rotation schedule at construction; `TypeError` naming the option otherwise.
 *
 * @example parseRotationSchedule({ every: '30d', prePublish: '1d' }, 'keys.rotation')
 */
export function parseRotationSchedule(
  options: KeyRotationOptions | undefined,
  optionName: string,
): RotationSchedule | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null)
    throw optionError(optionName, 'must be an object', "such as { every: '30d', prePublish: '1d' }");
  const every = parseDuration(options.every, `${optionName}.every`);
  const prePublish = parseDuration(options.prePublish ?? '1d', `${optionName}.prePublish`);
  if (every <= 0) throw optionError(`${optionName}.every`, 'must be more than 0', "such as '30d'");
  if (prePublish >= every) {
    throw optionError(
      `${optionName}.prePublish`,
      `(default 1d) must be shorter than ${optionName}.every: each period publishes one key ahead of its use`,
      `shorten it, or lengthen ${optionName}.every`,
    );
  }
  return Object.freeze({ everyMs: every * 1000, prePublishMs: prePublish * 1000 });
}

/** When the next key is due to be published: `every` after the newest key began signing, less `prePublish`. */
export function publicationDueAt(newestActivatesAt: number, schedule: RotationSchedule): number {
  return newestActivatesAt + schedule.everyMs - schedule.prePublishMs;
}
