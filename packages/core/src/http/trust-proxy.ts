import { AuthError } from '../errors/auth-error.js';
import { optionError } from '../lib/option-error.js';
import {
  formatIp,
  type IpGroups,
  type IpNetwork,
  inNetwork,
  parseForwardedIp,
  parseIp,
  parseNetwork,
} from '../ratelimit/ip-address.js';
import { headerValues } from './headers.js';
import type { AuthRequest, RequestHeaders } from './types.js';

/**
 * Which reverse proxies in front of the app to believe, for the client's address (`X-Forwarded-For`) and
 * protocol (`X-Forwarded-Proto`):
 * - a number of proxies: `0` (the default) believes neither header and uses the socket's address; `n`
 *   takes the address `n` hops from the right of `X-Forwarded-For` (each proxy appends the address it
 *   was connected from, so the `n` rightmost entries were written by your own proxies);
 * - a list of your proxies' addresses and networks (`'10.0.0.0/8'`, `'2001:db8::/32'`, `'192.0.2.7'`, or
 *   `'loopback'`, `'linklocal'`, `'uniquelocal'`): `X-Forwarded-For` is walked from the right past every
 *   trusted address, starting with the socket's; the first untrusted one is the client.
 */
export type TrustProxy = number | readonly string[];

/** What core needs of a request to know its client: the socket's address and the headers. */
export type ClientRequest = Pick<AuthRequest, 'headers' | 'remoteAddress'> & { readonly ip?: string };

/** A `trustProxy` setting, checked once, applied to requests. */
export interface ProxyTrust {
  /**
   * The client's address, as canonical text (`192.0.2.1`, `2001:db8::1`); `undefined` when it cannot be
   * known (an adapter that gave no socket address, and no trusted proxy named the client).
   */
  clientAddress(request: ClientRequest): string | undefined;
  /**
   * Whether the client reached the app over HTTPS: `X-Forwarded-Proto` as the outermost trusted proxy set
   * it, when the socket's peer is a trusted proxy; otherwise `encrypted`, the socket's own TLS.
   */
  protocol(request: ClientRequest, encrypted: boolean): 'http' | 'https';
}

/** Hop counts beyond this are not a deployment but a mistake: they would believe any `X-Forwarded-For`. */
const MAX_PROXY_HOPS = 16;

const NAMED_NETWORKS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
});

/** Whether the proxy at `hop` (0 = the socket's peer) is one of ours. */
type IsTrusted = (address: IpGroups | undefined, hop: number) => boolean;

function trustFrom(trustProxy: unknown): IsTrusted {
  if (typeof trustProxy === 'number') {
    if (!Number.isInteger(trustProxy) || trustProxy < 0 || trustProxy > MAX_PROXY_HOPS)
      throw optionError(
        'trustProxy',
        `must be a whole number of proxies from 0 to ${MAX_PROXY_HOPS}`,
        'give the number of proxies in front of the app, or a list of trusted proxy networks',
      );
    return (_address, hop) => hop < trustProxy;
  }
  if (!Array.isArray(trustProxy))
    throw optionError(
      'trustProxy',
      'must be a number of proxies (0: none) or a list of trusted proxy networks; `true` would believe any X-Forwarded-For',
      'give a number, or networks such as ["10.0.0.0/8"]',
    );
  const networks: IpNetwork[] = [];
  for (const entry of trustProxy as unknown[]) {
    const named = typeof entry === 'string' ? NAMED_NETWORKS[entry.trim().toLowerCase()] : undefined;
    for (const text of named ?? [entry]) {
      const network = typeof text === 'string' ? parseNetwork(text) : undefined;
      if (network === undefined)
        throw optionError(
          'trustProxy',
          `${JSON.stringify(entry)} is not an IP address or a network`,
          'give addresses, networks such as "10.0.0.0/8", or loopback, linklocal, uniquelocal',
        );
      networks.push(network);
    }
  }
  return (address) => address !== undefined && networks.some((network) => inNetwork(address, network));
}

/** The entries of every `X-Forwarded-For` header, in order; an empty entry stays (it is malformed). */
function forwardedFor(headers: RequestHeaders): string[] {
  return headerValues(headers, 'x-forwarded-for').flatMap((value) => value.split(','));
}

/** The socket's address: canonical when it is an IP address, as given (trimmed) otherwise, or none. */
function socketAddress(request: ClientRequest): { text: string | undefined; groups: IpGroups | undefined } {
  // `ip`: a request built by hand before `remoteAddress` existed names the socket's address so.
  const raw = (request.remoteAddress ?? request.ip)?.trim();
  if (raw === undefined || raw === '') return { text: undefined, groups: undefined };
  const groups = parseIp(raw);
  return { text: groups === undefined ? raw : formatIp(groups), groups };
}

/** Who the client is, and how many trusted proxies stand between it and the app. */
interface Walk {
  readonly address: string | undefined;
  readonly proxies: number;
}

/**
 * Walks from the socket's peer leftwards through `X-Forwarded-For` while the current hop is a trusted
 * proxy: each trusted proxy vouches for the entry it appended, the one to its left. The walk stops at the
 * first untrusted address (the client); at a malformed entry, whose writer — a trusted proxy — is taken
 * instead (never the text); or at the header's left end, whose entry is the client (as a proxy names a
 * client that reached it directly).
 */
function walk(request: ClientRequest, isTrusted: IsTrusted): Walk {
  const socket = socketAddress(request);
  if (!isTrusted(socket.groups, 0)) return { address: socket.text, proxies: 0 };
  const entries = forwardedFor(request.headers);
  let address = socket.text;
  for (let hop = 1; ; hop++) {
    const entry = entries[entries.length - hop];
    const parsed = entry === undefined ? undefined : parseForwardedIp(entry);
    if (parsed === undefined) return { address, proxies: hop };
    address = formatIp(parsed);
    if (!isTrusted(parsed, hop)) return { address, proxies: hop };
  }
}

/**
 * Checks a `trustProxy` setting at start-up (a `TypeError` for anything else) and returns the resolver
 * every request's client address and protocol go through. `createAuth({ trustProxy })` makes one, so every
 * adapter resolves addresses the same way: adapters pass the socket's address and the headers, never
 * their framework's proxy-aware guess.
 *
 * @example
 * const trust = createProxyTrust(1); // one reverse proxy (nginx, a load balancer)
 * trust.clientAddress({ remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': 'spoofed, 203.0.113.9' } });
 * // → '203.0.113.9'
 */
export function createProxyTrust(trustProxy: TrustProxy = 0): ProxyTrust {
  const isTrusted = trustFrom(trustProxy);
  return Object.freeze({
    clientAddress: (request: ClientRequest) => walk(request, isTrusted).address,
    protocol(request: ClientRequest, encrypted: boolean): 'http' | 'https' {
      const own = encrypted ? 'https' : 'http';
      const { proxies } = walk(request, isTrusted);
      if (proxies === 0) return own;
      const values = headerValues(request.headers, 'x-forwarded-proto').flatMap((v) => v.split(','));
      if (values.length === 0) return own;
      // The outermost trusted proxy's entry when each appends; the only one when the edge sets it.
      const value = values[Math.max(0, values.length - proxies)]!.trim().toLowerCase();
      return value === 'https' || value === 'http' ? value : own;
    },
  });
}

/**
 * The client's address for a route that counts per address, or a refusal: an address that cannot be known
 * must never become one bucket shared by every client (one of them could then lock everyone out).
 */
export function requireClientAddress(trust: ProxyTrust, request: ClientRequest): string {
  const address = trust.clientAddress(request);
  if (address === undefined)
    throw new AuthError('invalid_request', 'The client address could not be determined', {
      reason: 'no_client_address',
    });
  return address;
}

/**
 * The request a route handler sees: the same fields, and `ip` — the client's address as `trust` resolves
 * it — worked out only when a handler asks (login, registration and reset limits count per address).
 * Reading `ip` throws 400 `invalid_request` when the address cannot be known.
 */
export function withClientAddress(request: AuthRequest, trust: ProxyTrust): AuthRequest {
  let resolved: string | undefined;
  const { method, url, headers, body, params } = request;
  return {
    method,
    url,
    headers,
    body,
    ...(params === undefined ? {} : { params }),
    get remoteAddress() {
      return request.remoteAddress;
    },
    get ip() {
      resolved ??= requireClientAddress(trust, request);
      return resolved;
    },
  };
}
