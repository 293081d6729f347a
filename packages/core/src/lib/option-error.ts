/**
 * The one wording of a configuration error, thrown at construction so that a bad option never reaches a
 * request: `portcullis: <option>: <what is wrong>; <what to do>`. Name the option as the caller wrote it
 * (`apiKeys.pepper`, `authenticate().via`), never echo a secret's value.
 *
 * @example
 * if (!(maxEntries > 0)) throw optionError('tokens.cache.maxEntries', 'must be a positive integer', 'omit it for 10 000');
 */
export function optionError(option: string, problem: string, fix: string): TypeError {
  return new TypeError(`portcullis: ${option}: ${problem}; ${fix}`);
}
