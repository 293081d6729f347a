import { describe, expect, it } from 'vitest';
import { optionError } from './option-error.js';

describe('optionError', () => {
  it('words every option error as "portcullis: <option>: <what is wrong>; <what to do>"', () => {
    const error = optionError('tokens.accessTtl', 'must be a duration', 'use seconds or "15m"');
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('portcullis: tokens.accessTtl: must be a duration; use seconds or "15m"');
  });
});
