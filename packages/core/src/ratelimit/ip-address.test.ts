import { describe, expect, it } from 'vitest';
import { formatIp, inNetwork, parseForwardedIp, parseIp, parseNetwork } from './ip-address.js';

const canonical = (text: string) => {
  const groups = parseIp(text);
  return groups === undefined ? undefined : formatIp(groups);
};

describe('parseIp and formatIp', () => {
  it('write every spelling of an address one way: dotted IPv4, RFC 5952 IPv6', () => {
    expect(canonical(' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(canonical('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonical('0:0:0:0:0:FFFF:C000:0201')).toBe('192.0.2.1');
    expect(canonical('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonical('[2001:db8::1]')).toBe('2001:db8::1');
    expect(canonical('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(canonical('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonical('2001:db8:1:1:1:1:0:1')).toBe('2001:db8:1:1:1:1:0:1');
    expect(canonical('::')).toBe('::');
    expect(canonical('::1')).toBe('::1');
    expect(canonical('fe80::1%eth0')).toBe('fe80::1');
  });

  it('refuse anything that is not an address', () => {
    for (const text of ['', 'unknown', '1.2.3', '256.0.0.1', '1.2.3.4:80', '1::2::3', 'g::1', '[1.2.3.4]'])
      expect(parseIp(text), text).toBeUndefined();
  });
});

describe('parseForwardedIp', () => {
  it('reads an X-Forwarded-For entry, with a port as some proxies add it', () => {
    const text = (entry: string) => {
      const groups = parseForwardedIp(entry);
      return groups === undefined ? undefined : formatIp(groups);
    };
    expect(text(' 203.0.113.9 ')).toBe('203.0.113.9');
    expect(text('203.0.113.9:51234')).toBe('203.0.113.9');
    expect(text('2001:db8::9')).toBe('2001:db8::9');
    expect(text('[2001:db8::9]')).toBe('2001:db8::9');
    expect(text('[2001:db8::9]:443')).toBe('2001:db8::9');
  });

  it('never takes a malformed entry as an address', () => {
    for (const entry of [
      '',
      ' ',
      'unknown',
      '_hidden',
      'proxy.example',
      '203.0.113.9:',
      '203.0.113.9:port',
      '203.0.113.9:123456',
      '[203.0.113.9]',
      '[2001:db8::9',
      '2001:db8::9]:443',
      '1.2.3.4.5',
      '203.0.113.9 extra',
    ])
      expect(parseForwardedIp(entry), JSON.stringify(entry)).toBeUndefined();
  });
});

describe('parseNetwork and inNetwork', () => {
  const contains = (network: string, address: string) => inNetwork(parseIp(address)!, parseNetwork(network)!);

  it('match IPv4 networks, also against the IPv4-mapped form a dual-stack socket reports', () => {
    expect(contains('10.0.0.0/8', '10.200.1.2')).toBe(true);
    expect(contains('10.0.0.0/8', '::ffff:10.200.1.2')).toBe(true);
    expect(contains('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(contains('192.0.2.7', '192.0.2.7')).toBe(true);
    expect(contains('192.0.2.7', '192.0.2.8')).toBe(false);
    expect(contains('0.0.0.0/0', '198.51.100.1')).toBe(true);
    // An IPv4 network is not an IPv6 one: ::/0 holds everything, 0.0.0.0/0 only IPv4.
    expect(contains('0.0.0.0/0', '2001:db8::1')).toBe(false);
  });

  it('match IPv6 networks', () => {
    expect(contains('2001:db8::/32', '2001:db8:ffff::1')).toBe(true);
    expect(contains('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(contains('fc00::/7', 'fd12::1')).toBe(true);
    expect(contains('::1', '::1')).toBe(true);
    expect(contains('::ffff:10.0.0.0/104', '10.1.2.3')).toBe(true);
  });

  it('refuse what is not a network', () => {
    for (const text of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/x', 'lan', '10.0.0/8', ''])
      expect(parseNetwork(text), text).toBeUndefined();
  });
});
