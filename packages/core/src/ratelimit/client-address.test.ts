import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('keeps IPv4 addresses one by one', () => {
    expect(clientAddress('192.0.2.1', 64)).toBe('192.0.2.1');
    expect(clientAddress(' 192.0.2.1 ', 64)).toBe('192.0.2.1');
    expect(clientAddress('192.0.2.2', 64)).not.toBe(clientAddress('192.0.2.1', 64));
  });

  it('reads an IPv4-mapped IPv6 address as its IPv4 address, in any spelling', () => {
    for (const spelling of [
      '::ffff:192.0.2.1',
      '::FFFF:192.0.2.1',
      '0:0:0:0:0:ffff:c000:201',
      '[::ffff:c000:0201]',
    ]) {
      expect(clientAddress(spelling, 64)).toBe('192.0.2.1');
    }
  });

  it('groups IPv6 addresses by network prefix', () => {
    const a = clientAddress('2001:db8:1:2::1', 64);
    expect(a).toBe('2001:db8:1:2:0:0:0:0/64');
    expect(clientAddress('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', 64)).toBe(a);
    expect(clientAddress('[2001:db8:1:2::7]', 64)).toBe(a);
    expect(clientAddress('fe80::1%eth0', 64)).toBe('fe80:0:0:0:0:0:0:0/64');
    expect(clientAddress('2001:db8:1:3::1', 64)).not.toBe(a);
    expect(clientAddress('2001:db8:1:3::1', 56)).toBe(clientAddress('2001:db8:1:2::1', 56));
    expect(clientAddress('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200:0:0:0:0/56');
    expect(clientAddress('2001:db8::1', 128)).toBe('2001:db8:0:0:0:0:0:1/128');
    expect(clientAddress('2001:db8::2', 128)).not.toBe(clientAddress('2001:db8::1', 128));
    expect(clientAddress('::', 64)).toBe('0:0:0:0:0:0:0:0/64');
    expect(clientAddress('1::', 1)).toBe('0:0:0:0:0:0:0:0/1');
    expect(clientAddress('::1.2.3.4', 128)).toBe('0:0:0:0:0:0:102:304/128');
  });

  it('keeps anything that is not an IP address as trimmed lower-case text', () => {
    for (const text of [
      'unknown',
      '1.2.3',
      '256.0.0.1',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      'g::1',
      '1.2.3.4::',
      ':1:2:3:4:5:6:7',
    ]) {
      expect(clientAddress(text, 64)).toBe(text.toLowerCase());
    }
    expect(clientAddress(' Some-Socket ', 64)).toBe('some-socket');
  });
});
