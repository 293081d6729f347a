/**
 * An IP address as eight 16-bit groups. An IPv4 address is held as its IPv4-mapped IPv6 form
 * (`::ffff:a.b.c.d`), so that `192.0.2.1` and `::ffff:192.0.2.1` — how a dual-stack socket reports an IPv4
 * peer — are one address.
 */
export type IpGroups = readonly number[];

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    bytes.push(byte);
  }
  return bytes;
}

function parseGroups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const pieces = text.split(':');
  const groups: number[] = [];
  for (const [index, piece] of pieces.entries()) {
    if (allowTrailingIpv4 && index === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (v4 === undefined) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-f]{1,4}$/.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** The eight groups of an IPv6 address (brackets and a zone id allowed, the zone dropped), or `undefined`. */
function parseIpv6(text: string): number[] | undefined {
  let address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  if (halves.length === 1) {
    const groups = parseGroups(address, true);
    return groups?.length === 8 ? groups : undefined;
  }
  const head = parseGroups(halves[0]!, false);
  const tail = parseGroups(halves[1]!, true);
  if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * Parses an IP address in any usual spelling: dotted IPv4, IPv6 (compressed or not, in brackets, with a
 * zone id, with a trailing dotted quad). Case and surrounding spaces do not matter. Anything else, a port
 * included, is `undefined`.
 *
 * @example parseIp('::FFFF:192.0.2.1') // the same groups as parseIp('192.0.2.1')
 */
export function parseIp(text: string): IpGroups | undefined {
  const trimmed = text.trim().toLowerCase();
  const v4 = parseIpv4(trimmed);
  if (v4 !== undefined) return [0, 0, 0, 0, 0, 0xffff, (v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
  return parseIpv6(trimmed);
}

/** Whether the address is IPv4 (held IPv4-mapped). */
export function isIpv4(groups: IpGroups): boolean {
  return groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
}

/**
 * An address's canonical text: dotted IPv4 (also for an IPv4-mapped IPv6 address), otherwise IPv6 as
 * RFC 5952 writes it (lower case, no leading zeros, the longest run of two or more zero groups as `::`).
 *
 * @example formatIp(parseIp('2001:0DB8:0:0:0:0:0:1')!) // '2001:db8::1'
 */
export function formatIp(groups: IpGroups): string {
  if (isIpv4(groups))
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** A network: the address's first `bits` bits (of the 128 of its IPv6 form). */
export interface IpNetwork {
  readonly groups: IpGroups;
  readonly bits: number;
}

/**
 * Parses `address/bits` or a bare address (one host). An IPv4 network's bits count in IPv4 (`10.0.0.0/8`)
 * and it also matches the IPv4-mapped forms of its addresses. Returns `undefined` for anything else.
 *
 * @example parseNetwork('10.0.0.0/8'); parseNetwork('2001:db8::/32'); parseNetwork('::1')
 */
export function parseNetwork(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const v4 = isIpv4(address) && !/:/.test(text.slice(0, slash === -1 ? undefined : slash));
  const width = v4 ? 32 : 128;
  const suffix = slash === -1 ? String(width) : text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(suffix) || Number(suffix) > width) return undefined;
  return { groups: address, bits: Number(suffix) + (v4 ? 96 : 0) };
}

/** Whether `address` lies in `network`. */
export function inNetwork(address: IpGroups, network: IpNetwork): boolean {
  for (let index = 0; index < 8; index++) {
    const bitsKept = Math.min(16, Math.max(0, network.bits - index * 16));
    const mask = (0xffff << (16 - bitsKept)) & 0xffff;
    if ((address[index]! & mask) !== (network.groups[index]! & mask)) return false;
  }
  return true;
}

/**
 * Parses one `X-Forwarded-For` entry: an IP address, or one with a port as some proxies write it
 * (`192.0.2.1:51234`, `[2001:db8::1]:443`). Anything else — `unknown`, an obfuscated `_hidden` name, a host
 * name, an empty entry — is `undefined`: a malformed entry is never taken as an address.
 *
 * @example parseForwardedIp(' [2001:db8::1]:443 ') // the groups of 2001:db8::1
 */
export function parseForwardedIp(entry: string): IpGroups | undefined {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  // Brackets (with or without a port) hold an IPv6 address only.
  if (bracketed !== null) return parseIp(`[${bracketed[1]}]`);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  return parseIp(withPort === null ? text : withPort[1]!);
}
