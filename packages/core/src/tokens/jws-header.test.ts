import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors/auth-error.js';
import { b64 } from '../testing/token-fixtures.js';
import { createHeaderCheck } from './jws-header.js';

function refusal(check: () => unknown): string | undefined {
  try {
    check();
  } catch (error) {
    return (error as AuthError).reason;
  }
  return undefined;
}

describe('createHeaderCheck', () => {
  it('gives the algorithm and kid of an accepted header, the same object for the same segment', () => {
    const checkHeader = createHeaderCheck('at+jwt');
    const segment = b64({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' });
    const checked = checkHeader(segment);
    expect(checked).toEqual({ alg: 'EdDSA', kid: 'k1' });
    expect(checkHeader(segment)).toBe(checked);
    expect(checkHeader(b64({ alg: 'ES256', typ: 'application/AT+JWT' }))).toEqual({
      alg: 'ES256',
      kid: undefined,
    });
  });

  it('refuses alg none or missing, any crit, another typ, a kid that is no string, and what is no JSON object', () => {
    const checkHeader = createHeaderCheck('at+jwt');
    const cases: [unknown, string][] = [
      [{ alg: 'none', typ: 'at+jwt' }, 'unsupported_alg'],
      [{ typ: 'at+jwt' }, 'unsupported_alg'],
      [{ alg: 'EdDSA', typ: 'at+jwt', crit: ['exp'] }, 'unsupported_crit'],
      [{ alg: 'EdDSA', typ: 'JWT' }, 'wrong_typ'],
      [{ alg: 'EdDSA' }, 'wrong_typ'],
      [{ alg: 'EdDSA', typ: 'at+jwt', kid: 42 }, 'malformed_kid'],
      [[1, 2], 'malformed_header'],
      ['not json', 'malformed_header'],
    ];
    for (const [header, reason] of cases) expect(refusal(() => checkHeader(b64(header)))).toBe(reason);
  });

  it('remembers no refused segment: it is refused again, every time', () => {
    const checkHeader = createHeaderCheck('at+jwt');
    const segment = b64({ alg: 'EdDSA', typ: 'JWT' });
    expect(refusal(() => checkHeader(segment))).toBe('wrong_typ');
    expect(refusal(() => checkHeader(segment))).toBe('wrong_typ');
  });

  it('keeps remembering the headers of the last 8 keys, however many junk headers come between', () => {
    const checkHeader = createHeaderCheck('at+jwt');
    const segments = Array.from({ length: 9 }, (_, i) => b64({ alg: 'EdDSA', typ: 'at+jwt', kid: `k${i}` }));
    const first = segments.slice(0, 8).map((segment) => checkHeader(segment));
    for (let i = 0; i < 100; i++) refusal(() => checkHeader(b64({ alg: 'none', typ: 'at+jwt', n: i })));
    expect(segments.slice(0, 8).map((segment) => checkHeader(segment))).toEqual(first);
    segments.slice(0, 8).forEach((segment, i) => {
      expect(checkHeader(segment)).toBe(first[i]);
    });
    // A ninth key's header takes the oldest place.
    checkHeader(segments[8]!);
    expect(checkHeader(segments[0]!)).not.toBe(first[0]);
    expect(checkHeader(segments[0]!)).toEqual(first[0]);
  });

  it('checks no typ when told not to', () => {
    expect(createHeaderCheck(null)(b64({ alg: 'RS256' }))).toEqual({ alg: 'RS256', kid: undefined });
  });
});
