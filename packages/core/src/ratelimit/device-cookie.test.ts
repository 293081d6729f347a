import { describe, expect, it } from 'vitest';
import { fakeClock } from '../testing/token-fixtures.js';
import { createDeviceCookies } from './device-cookie.js';

const secret = Buffer.alloc(32, 7);
const DAY = 86_400;

describe('device cookies', () => {
  it('names its account without showing it, and verifies only for that account (any spelling)', () => {
    const devices = createDeviceCookies({ secret, maxAge: 180 * DAY, clock: fakeClock() });
    const value = devices.issue('alice@example.com');
    expect(value).toMatch(/^d1\.[0-9a-z]+\.[\w-]{22}\.[\w-]{22}\.[\w-]{43}$/);
    expect(value).not.toContain('alice');
    const id = devices.verify(value, '  Alice@Example.COM ');
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(devices.verify(value, 'bob@example.com')).toBeUndefined();
    expect(devices.issue('alice@example.com')).not.toBe(value); // a new device id each time
  });

  it('refuses a forged, altered, truncated or foreign-key cookie', () => {
    const clock = fakeClock();
    const devices = createDeviceCookies({ secret, maxAge: 180 * DAY, clock });
    const other = createDeviceCookies({ secret: Buffer.alloc(32, 8), maxAge: 180 * DAY, clock });
    const value = devices.issue('alice@example.com');
    const parts = value.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const forged of [
      [parts[0], parts[1], flip(parts[2]!), parts[3], parts[4]].join('.'), // another device id
      [parts[0], (Number.parseInt(parts[1]!, 36) + 1000).toString(36), parts[2], parts[3], parts[4]].join(
        '.',
      ),
      [parts[0], parts[1], parts[2], parts[3], flip(parts[4]!)].join('.'),
      value.slice(0, -1),
      other.issue('alice@example.com'),
      '',
      'd1....',
    ])
      expect(devices.verify(forged, 'alice@example.com')).toBeUndefined();
    expect(devices.verify(undefined, 'alice@example.com')).toBeUndefined();
  });

  it('expires by its own clock reading, whatever the browser keeps', () => {
    const clock = fakeClock();
    const devices = createDeviceCookies({ secret, maxAge: 180 * DAY, clock });
    const value = devices.issue('alice@example.com');
    clock.advance(180 * DAY - 1);
    expect(devices.verify(value, 'alice@example.com')).toBeDefined();
    clock.advance(1);
    expect(devices.verify(value, 'alice@example.com')).toBeUndefined();
  });
});
