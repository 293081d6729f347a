import { describe, expect, it } from 'vitest';
import { MAX_COOKIE_VALUE_LENGTH, readCookies } from './read-cookies.js';

describe('readCookies', () => {
  it('reads name=value pairs, trimming optional whitespace', () => {
    expect(readCookies({ cookie: 'a=1; b=2;c=3 ;  d = 4 ' })).toEqual({ a: '1', b: '2', c: '3', d: '4' });
  });

  it('returns an empty record without a Cookie header', () => {
    expect(readCookies({})).toEqual({});
    expect(readCookies({ cookie: undefined })).toEqual({});
    expect(readCookies({ cookie: [] })).toEqual({});
    expect(readCookies({ cookie: '' })).toEqual({});
  });

  it('reads several Cookie headers in order', () => {
    expect(readCookies({ cookie: ['a=1', 'b=2; c=3'] })).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('keeps the first occurrence of a duplicated name, within and across headers', () => {
    expect(readCookies({ cookie: 'sid=first; sid=second' })).toEqual({ sid: 'first' });
    expect(readCookies({ cookie: ['sid=first', 'sid=second; x=1'] })).toEqual({ sid: 'first', x: '1' });
  });

  it('does not let a later duplicate stand in for an unusable first occurrence', () => {
    const huge = 'x'.repeat(MAX_COOKIE_VALUE_LENGTH + 1);
    expect(readCookies({ cookie: `sid=${huge}; sid=planted` })).toEqual({});
    expect(readCookies({ cookie: ['sid=', 'sid=planted'] })).toEqual({});
  });

  it('removes one pair of surrounding double quotes', () => {
    expect(readCookies({ cookie: 'a="quoted"; b=""; c="half; d=x"' })).toEqual({
      a: 'quoted',
      c: '"half',
      d: 'x"',
    });
    expect(readCookies({ cookie: 'a=""x""' })).toEqual({ a: '"x"' });
  });

  it('decodes percent escapes and keeps invalid ones as they are', () => {
    expect(readCookies({ cookie: 'a=a%20b; b=%E0%A4%A; c=100%' })).toEqual({
      a: 'a b',
      b: '%E0%A4%A',
      c: '100%',
    });
  });

  it('ignores values longer than 4096 characters but keeps the other cookies', () => {
    const max = 'v'.repeat(MAX_COOKIE_VALUE_LENGTH);
    const cookies = readCookies({ cookie: `big=${max}x; ok=1; edge=${max}` });
    expect(cookies).toEqual({ ok: '1', edge: max });
  });

  it('never throws on malformed headers', () => {
    const malformed = [
      ';;;',
      '=',
      '==;=',
      'novalue',
      'a',
      ';a=1',
      '=value; a=1',
      'a=1;;b',
      '\u0000\u0001=\u0002',
      'a=%',
      'a=%ZZ',
      '"',
      ' ; = ; ',
      'ü=ö; 🍪=🍪',
      `a=${'%'.repeat(10_000)}`,
      ';'.repeat(100_000),
      'x'.repeat(100_000),
    ];
    for (const cookie of malformed) expect(() => readCookies({ cookie })).not.toThrow();
    expect(readCookies({ cookie: '=value; a=1' })).toEqual({ a: '1' });
    expect(readCookies({ cookie: 'novalue; a=1' })).toEqual({ a: '1' });
    expect(readCookies({ cookie: 'a=1;;b' })).toEqual({ a: '1' });
  });

  it('tolerates non-string header values from untyped callers', () => {
    const headers = { cookie: [42, null, 'a=1'] } as unknown as Record<string, string[]>;
    expect(readCookies(headers)).toEqual({ a: '1' });
    expect(readCookies({ cookie: 42 } as unknown as Record<string, string>)).toEqual({});
    expect(readCookies(undefined as unknown as Record<string, string>)).toEqual({});
  });

  it('returns a record without a prototype, so no inherited member looks like a cookie', () => {
    const cookies = readCookies({ cookie: 'a=1' });
    expect(cookies['constructor']).toBeUndefined();
    expect(cookies['toString']).toBeUndefined();
    expect(readCookies({ cookie: '__proto__=x; constructor=y' })).toEqual(
      Object.assign(Object.create(null), { ['__proto__']: 'x', constructor: 'y' }),
    );
    expect(Object.getPrototypeOf(readCookies({ cookie: '__proto__=x' }))).toBeNull();
  });

  it('reads a very large header completely', () => {
    const cookie = Array.from({ length: 50_000 }, (_, i) => `c${i}=v${i}`).join('; ');
    const cookies = readCookies({ cookie });
    expect(Object.keys(cookies)).toHaveLength(50_000);
    expect(cookies['c49999']).toBe('v49999');
  });
});
