import { describe, expect, it } from 'vitest';
import { clientAddress } from '../ratelimit/client-address.js';
import { authFixture, PASSWORD } from '../testing/auth.js';
import { createProxyTrust, type TrustProxy, withClientAddress } from './trust-proxy.js';
import type { AuthRequest, RequestHeaders } from './types.js';

const PROXY = '10.0.0.2';

function addressOf(trustProxy: TrustProxy, remoteAddress: string | undefined, forwarded?: string | string[]) {
  const headers: RequestHeaders = forwarded === undefined ? {} : { 'x-forwarded-for': forwarded };
  return createProxyTrust(trustProxy).clientAddress({ remoteAddress, headers });
}

describe('createProxyTrust: hop counts', () => {
  it('0 (the default) uses the socket address and ignores X-Forwarded-For', () => {
    expect(addressOf(0, '198.51.100.7', '203.0.113.9')).toBe('198.51.100.7');
    expect(createProxyTrust().clientAddress({ remoteAddress: '198.51.100.7', headers: {} })).toBe(
      '198.51.100.7',
    );
  });

  it('n takes the address n hops from the right: spoofed entries on the left are never read', () => {
    expect(addressOf(1, PROXY, '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(1, PROXY, '1.1.1.1, 2.2.2.2, 203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(2, PROXY, '1.1.1.1, 203.0.113.9, 10.0.0.1')).toBe('203.0.113.9');
    // Repeated header lines count as one list, in order.
    expect(addressOf(1, PROXY, ['1.1.1.1', '203.0.113.9'])).toBe('203.0.113.9');
  });

  it('with fewer entries than hops, takes the leftmost: the client the outermost proxy saw', () => {
    expect(addressOf(2, PROXY, '203.0.113.9')).toBe('203.0.113.9');
    // No header: a request that reached the app directly is counted by its socket's address.
    expect(addressOf(1, '198.51.100.7')).toBe('198.51.100.7');
  });

  it('writes every address in one canonical form (IPv4-mapped sockets, ports, brackets)', () => {
    expect(addressOf(0, '::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressOf(1, PROXY, '203.0.113.9:51234')).toBe('203.0.113.9');
    expect(addressOf(1, PROXY, '[2001:DB8::0009]:443')).toBe('2001:db8::9');
  });
});

describe('createProxyTrust: trusted networks', () => {
  const trusted = ['10.0.0.0/8', '2001:db8:ffff::/48'];

  it('walks X-Forwarded-For from the right past every trusted proxy', () => {
    expect(addressOf(trusted, PROXY, '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(trusted, PROXY, '1.1.1.1, 203.0.113.9, 10.9.9.9, 10.8.8.8')).toBe('203.0.113.9');
    expect(addressOf(trusted, '2001:db8:ffff::1', '2001:db8:1::5')).toBe('2001:db8:1::5');
    // A dual-stack socket reports an IPv4 proxy IPv4-mapped: still the trusted 10.0.0.2.
    expect(addressOf(trusted, `::ffff:${PROXY}`, '203.0.113.9')).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(addressOf(trusted, '198.51.100.7', '203.0.113.9')).toBe('198.51.100.7');
    expect(addressOf([], '198.51.100.7', '203.0.113.9')).toBe('198.51.100.7');
  });

  it('takes the leftmost entry when every hop is trusted (a client inside the trusted network)', () => {
    expect(addressOf(trusted, PROXY, '10.1.1.1')).toBe('10.1.1.1');
  });

  it('knows the named networks loopback, linklocal and uniquelocal', () => {
    expect(addressOf(['loopback'], '127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(['loopback'], '::1', '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(['uniquelocal'], '192.168.1.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(['uniquelocal'], 'fd00::1', '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(['linklocal'], 'fe80::1', '203.0.113.9')).toBe('203.0.113.9');
  });
});

describe('createProxyTrust: malformed X-Forwarded-For', () => {
  it('never takes a malformed entry as the address: the trusted proxy that wrote it is taken instead', () => {
    for (const junk of [
      'unknown',
      '',
      '_hidden',
      'evil.example',
      '203.0.113.9:x',
      'DROP TABLE',
      '1.2.3.4.5',
    ]) {
      expect(addressOf(1, PROXY, junk), JSON.stringify(junk)).toBe(PROXY);
      expect(addressOf(2, PROXY, `203.0.113.9, ${junk}`), JSON.stringify(junk)).toBe(PROXY);
      expect(addressOf(['10.0.0.0/8'], PROXY, `203.0.113.9, ${junk}, 10.0.0.3`)).toBe('10.0.0.3');
    }
  });

  it('ignores malformed entries left of the client, where anyone can write', () => {
    expect(addressOf(1, PROXY, 'unknown, , 203.0.113.9')).toBe('203.0.113.9');
  });

  it('attack: rotating junk or addresses in the spoofable part of the header never changes the client', () => {
    const seen = new Set<string | undefined>();
    for (const spoof of ['1.2.3.4', 'random-1', '', '9.9.9.9, 8.8.8.8', '::1'])
      seen.add(addressOf(1, PROXY, `${spoof}, 203.0.113.9`));
    expect([...seen]).toEqual(['203.0.113.9']);
  });
});

describe('createProxyTrust: unknown socket address', () => {
  it('is undefined, never an empty shared address', () => {
    expect(addressOf(0, undefined)).toBeUndefined();
    expect(addressOf(0, '  ')).toBeUndefined();
    expect(addressOf(['10.0.0.0/8'], undefined, '203.0.113.9')).toBeUndefined();
    // A trusted proxy over a Unix socket (no address) that names the client is enough.
    expect(addressOf(1, undefined, '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(1, undefined, 'unknown')).toBeUndefined();
  });
});

describe('IPv6 grouping after resolution', () => {
  it('counts forwarded IPv6 clients of one /64 as one, and another /64 apart', () => {
    const a = addressOf(1, PROXY, '2001:db8:1:2::1')!;
    const b = addressOf(1, PROXY, '2001:db8:1:2:ffff:ffff:ffff:fffe')!;
    const c = addressOf(1, PROXY, '2001:db8:1:3::1')!;
    expect(clientAddress(a, 64)).toBe(clientAddress(b, 64));
    expect(clientAddress(c, 64)).not.toBe(clientAddress(a, 64));
    expect(clientAddress(addressOf(1, PROXY, '[2001:db8:1:2::9]:443')!, 64)).toBe(clientAddress(a, 64));
  });
});

describe('createProxyTrust: X-Forwarded-Proto', () => {
  const protocolOf = (
    trustProxy: TrustProxy,
    proto: string | undefined,
    { remoteAddress = PROXY, encrypted = false, forwarded = '203.0.113.9' } = {},
  ) => {
    const headers: Record<string, string> = { 'x-forwarded-for': forwarded };
    if (proto !== undefined) headers['x-forwarded-proto'] = proto;
    return createProxyTrust(trustProxy).protocol({ remoteAddress, headers }, encrypted);
  };

  it('is ignored with 0 proxies: the socket decides', () => {
    expect(protocolOf(0, 'https')).toBe('http');
    expect(protocolOf(0, 'http', { encrypted: true })).toBe('https');
  });

  it('is honoured from a trusted proxy, with or without X-Forwarded-For', () => {
    expect(protocolOf(1, 'https')).toBe('https');
    expect(protocolOf(1, 'HTTPS ')).toBe('https');
    expect(createProxyTrust(1).protocol({ headers: { 'x-forwarded-proto': 'https' } }, false)).toBe('https');
    expect(protocolOf(['10.0.0.0/8'], 'https')).toBe('https');
    expect(protocolOf(1, undefined)).toBe('http');
  });

  it('is not honoured from a peer outside the trusted networks', () => {
    expect(protocolOf(['10.0.0.0/8'], 'https', { remoteAddress: '198.51.100.7' })).toBe('http');
  });

  it('takes the entry of the outermost trusted proxy: a spoofed leftmost value is not read', () => {
    expect(protocolOf(1, 'https, http')).toBe('http');
    expect(protocolOf(2, 'https, https, http', { forwarded: '203.0.113.9, 10.0.0.1' })).toBe('https');
    expect(protocolOf(2, 'http, https, http', { forwarded: '203.0.113.9, 10.0.0.1' })).toBe('https');
  });

  it('falls back to the socket for a value that is neither http nor https', () => {
    expect(protocolOf(1, 'wss')).toBe('http');
    expect(protocolOf(1, '')).toBe('http');
    expect(protocolOf(1, 'junk', { encrypted: true })).toBe('https');
  });
});

describe('createProxyTrust: the setting is checked at start-up', () => {
  it.each([
    ['a negative count', -1],
    ['a fraction', 1.5],
    ['too many hops', 17],
    ['NaN', Number.NaN],
    ['true', true],
    ['a string', '1'],
    ['an unknown name', ['lan']],
    ['a network with too many bits', ['10.0.0.0/33']],
    ['a non-string entry', [10]],
  ])('throws a TypeError for %s', (_label, value) => {
    expect(() => createProxyTrust(value as TrustProxy)).toThrow(TypeError);
  });
});

describe('withClientAddress', () => {
  const request = (fields: Partial<AuthRequest>): AuthRequest => ({
    method: 'POST',
    url: '/auth/login',
    headers: { 'x-forwarded-for': '203.0.113.9' },
    ...fields,
  });

  it('resolves ip only when asked, once', () => {
    let reads = 0;
    const source = request({});
    Object.defineProperty(source, 'remoteAddress', {
      get: () => {
        reads += 1;
        return PROXY;
      },
    });
    const wrapped = withClientAddress(source, createProxyTrust(1));
    expect(reads).toBe(0);
    expect(wrapped.ip).toBe('203.0.113.9');
    expect(wrapped.ip).toBe('203.0.113.9');
    expect(reads).toBe(1);
  });

  it('refuses with 400 invalid_request when the address cannot be known', () => {
    const wrapped = withClientAddress(request({}), createProxyTrust(0));
    expect(() => wrapped.ip).toThrow(
      expect.objectContaining({ code: 'invalid_request', status: 400, reason: 'no_client_address' }),
    );
  });

  it('reads a hand-built request’s ip as the socket address', () => {
    expect(withClientAddress(request({ ip: PROXY }), createProxyTrust(0)).ip).toBe(PROXY);
    expect(withClientAddress(request({ ip: PROXY }), createProxyTrust(1)).ip).toBe('203.0.113.9');
  });
});

describe('createAuth({ trustProxy })', () => {
  const login = (auth: Awaited<ReturnType<typeof authFixture>>['auth'], password: string, headers = {}) =>
    auth.routes
      .find((route) => route.path === '/auth/login')!
      .handle({
        method: 'POST',
        url: '/auth/login',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ email: 'alice@example.com', password }),
        remoteAddress: PROXY,
      });

  it('attack: behind one proxy, one client’s failures do not lock out another client', async () => {
    const { auth, call } = await authFixture({ trustProxy: 1 });
    await call('POST', '/auth/register', { body: { email: 'alice@example.com', password: PASSWORD } });
    const attacker = { 'x-forwarded-for': '203.0.113.66' };
    for (let i = 0; i < 5; i++) expect((await login(auth, 'wrong password!!', attacker)).status).toBe(401);
    expect((await login(auth, PASSWORD, attacker)).status).toBe(429);
    // Rotating the spoofable leftmost entry does not make the attacker a new client.
    expect((await login(auth, PASSWORD, { 'x-forwarded-for': `198.51.100.1, 203.0.113.66` })).status).toBe(
      429,
    );
    expect((await login(auth, PASSWORD, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
  });

  it('ignores X-Forwarded-For by default: a client cannot pick a fresh address per request', async () => {
    const { auth, call } = await authFixture();
    await call('POST', '/auth/register', { body: { email: 'alice@example.com', password: PASSWORD } });
    for (let i = 0; i < 5; i++)
      await login(auth, 'wrong password!!', { 'x-forwarded-for': `203.0.113.${i + 1}` });
    expect((await login(auth, PASSWORD, { 'x-forwarded-for': '203.0.113.200' })).status).toBe(429);
  });

  it('refuses a login without a client address with 400, never counting it in a shared bucket', async () => {
    const { auth } = await authFixture();
    const route = auth.routes.find((r) => r.path === '/auth/login')!;
    const response = await route.handle({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: PASSWORD }),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
    // Routes that count nothing per address are served without one.
    const health = await auth.routes
      .find((r) => r.path === '/healthz')!
      .handle({
        method: 'GET',
        url: '/healthz',
        headers: {},
      });
    expect(health.status).toBe(200);
  });

  it('refuses a malformed trustProxy at construction, and exposes the setting', async () => {
    await expect(authFixture({ trustProxy: true as unknown as number })).rejects.toThrow(TypeError);
    const { auth } = await authFixture({ trustProxy: 1 });
    expect(
      auth.proxyTrust.protocol({ remoteAddress: PROXY, headers: { 'x-forwarded-proto': 'https' } }, false),
    ).toBe('https');
  });
});
