import { isIpv4, parseIp } from './ip-address.js';

/**
 * The client an address is counted as. IPv4 addresses (also IPv4-mapped IPv6, `::ffff:1.2.3.4`) count
 * one by one; IPv6 addresses count per `/ipv6Subnet` network, since a single host or LAN is routinely given
 * a whole /64 and could otherwise rotate through 2^64 addresses to dodge the limit. Anything else (not an
 * IP address) is counted as the trimmed, lower-cased text.
 *
 * The address is the client's as core resolved it under `trustProxy` (`createProxyTrust`): the grouping
 * applies to the client a trusted `X-Forwarded-For` names exactly as to a socket's address. The text is the
 * name of a counter in a shared store: its format does not change.
 *
 * @example clientAddress('2001:db8:1:2::7', 64) // '2001:db8:1:2:0:0:0:0/64'
 */
export function clientAddress(address: string, ipv6Subnet: number): string {
  const text = address.trim().toLowerCase();
  const groups = parseIp(text);
  if (groups === undefined) return text;
  if (isIpv4(groups))
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  const masked = groups.map((group, index) => {
    const bitsKept = Math.min(16, Math.max(0, ipv6Subnet - index * 16));
    return group & ((0xffff << (16 - bitsKept)) & 0xffff);
  });
  return `${masked.map((group) => group.toString(16)).join(':')}/${ipv6Subnet}`;
}
