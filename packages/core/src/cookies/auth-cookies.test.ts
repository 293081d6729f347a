import { parseSetCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import { createAuthCookies } from './auth-cookies.js';
import { DEFAULT_COOKIE_NAMES } from './cookie-names.js';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';

describe('createAuthCookies', () => {
  const cookies = createAuthCookies();

  it('uses the contract names by default', () => {
    expect(cookies.names).toEqual({
      access: '__Host-portcullis-access',
      refresh: '__Host-portcullis-refresh',
      session: '__Host-portcullis-sid',
      device: '__Host-portcullis-device',
      webauthn: '__Host-portcullis-webauthn',
    });
    expect(DEFAULT_COOKIE_NAMES).toEqual(cookies.names);
    expect(Object.isFrozen(cookies.names)).toBe(true);
  });

  it('serialises the WebAuthn challenge cookie: HttpOnly, Secure, SameSite=Strict, five minutes', () => {
    expect(cookies.set('webauthn', 'b')).toBe(
      '__Host-portcullis-webauthn=b; Max-Age=300; Path=/; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('serialises the device cookie: HttpOnly, Secure, SameSite=Strict, Path=/, Max-Age 180 days', () => {
    expect(cookies.set('device', 'd1.x')).toBe(
      '__Host-portcullis-device=d1.x; Max-Age=15552000; Path=/; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('serialises the access cookie: HttpOnly, Secure, SameSite=Lax, Path=/, Max-Age = access TTL', () => {
    expect(cookies.set('access', JWT)).toBe(
      `__Host-portcullis-access=${JWT}; Max-Age=900; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
  });

  it('serialises the refresh cookie with SameSite=Strict and Max-Age = refresh TTL', () => {
    expect(cookies.set('refresh', 'rt_abc-DEF_123')).toBe(
      '__Host-portcullis-refresh=rt_abc-DEF_123; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('serialises the session cookie without Max-Age unless configured', () => {
    expect(cookies.set('session', 'sid123')).toBe(
      '__Host-portcullis-sid=sid123; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    expect(createAuthCookies({ sessionMaxAge: '12h' }).set('session', 'sid123')).toBe(
      '__Host-portcullis-sid=sid123; Max-Age=43200; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('takes the TTLs from options, as seconds or durations', () => {
    const custom = createAuthCookies({ accessTtl: 60, refreshTtl: '30d' });
    expect(custom.set('access', 'a')).toContain('; Max-Age=60;');
    expect(custom.set('refresh', 'r')).toContain('; Max-Age=2592000;');
  });

  it('lets one call override Max-Age', () => {
    expect(cookies.set('refresh', 'r', { maxAge: 120 })).toContain('; Max-Age=120;');
  });

  it('never writes a Domain attribute, and always Secure, HttpOnly and Path=/', () => {
    for (const header of [
      cookies.set('access', 'a'),
      cookies.set('refresh', 'r'),
      cookies.set('session', 's'),
    ]) {
      const parsed = parseSetCookie(header);
      expect(parsed.domain).toBeUndefined();
      expect(header.toLowerCase()).not.toContain('domain');
      expect(parsed).toMatchObject({ path: '/', httpOnly: true, secure: true });
      expect(header).not.toContain('Expires');
    }
  });

  it('clears each cookie with the same attributes, an empty value, Max-Age=0 and an Expires in the past', () => {
    expect(cookies.clear('access')).toBe(
      '__Host-portcullis-access=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
    expect(cookies.clear('refresh')).toBe(
      '__Host-portcullis-refresh=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
    );
    expect(cookies.clear('session')).toBe(
      '__Host-portcullis-sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('uses configured names for setting, clearing and reading', () => {
    const custom = createAuthCookies({ names: { session: '__Host-app-sid' } });
    expect(custom.names).toEqual({ ...DEFAULT_COOKIE_NAMES, session: '__Host-app-sid' });
    expect(custom.set('session', 'x')).toMatch(/^__Host-app-sid=x;/);
    expect(custom.clear('session')).toMatch(/^__Host-app-sid=;/);
    expect(custom.read({ cookie: '__Host-portcullis-sid=old; __Host-app-sid=new' }).session).toBe('new');
  });

  it('reads the three credential cookies of a request', () => {
    const values = cookies.read({
      cookie: [
        '__Host-portcullis-access=a1; other=1',
        '__Host-portcullis-sid=s1; __Host-portcullis-access=a2',
      ],
    });
    expect(values).toEqual({ access: 'a1', refresh: undefined, session: 's1' });
    expect(cookies.read({})).toEqual({ access: undefined, refresh: undefined, session: undefined });
  });

  it('percent-encodes characters outside the cookie-octet set, and reading decodes them back', () => {
    const header = cookies.set('session', 'a b;c');
    expect(header).toMatch(/^__Host-portcullis-sid=a%20b%3Bc;/);
    expect(cookies.read({ cookie: header.slice(0, header.indexOf(';')) }).session).toBe('a b;c');
  });

  it('refuses values a browser would drop or that cannot be a credential', () => {
    expect(() => cookies.set('access', 'x'.repeat(4096))).not.toThrow();
    expect(() => cookies.set('access', 'x'.repeat(4097))).toThrow(TypeError);
    expect(() => cookies.set('access', '')).toThrow(TypeError);
    expect(() => cookies.set('access', '\uD800')).toThrow(TypeError);
    expect(() => cookies.set('access', 'a', { maxAge: 0 })).toThrow(TypeError);
    expect(() => cookies.set('access', 'a', { maxAge: 1.5 })).toThrow(TypeError);
    expect(() => cookies.set('nope' as never, 'a')).toThrow(TypeError);
    expect(() => cookies.clear('toString' as never)).toThrow(TypeError);
  });

  it('validates options once, with TypeError', () => {
    expect(() => createAuthCookies({ names: { access: 'bad name' } })).toThrow(TypeError);
    expect(() => createAuthCookies({ names: { access: 'a=b' } })).toThrow(TypeError);
    expect(() => createAuthCookies({ names: { access: '' } })).toThrow(TypeError);
    expect(() => createAuthCookies({ names: { refresh: '__Host-portcullis-access' } })).toThrow(
      /^portcullis: cookies\.names: name two cookies the same; /,
    );
    expect(() => createAuthCookies({ accessTtl: '15 minutes' })).toThrow(TypeError);
    expect(() => createAuthCookies({ accessTtl: 0 })).toThrow(TypeError);
    expect(() => createAuthCookies({ refreshTtl: 1.5 })).toThrow(TypeError);
    expect(() => createAuthCookies({ sessionMaxAge: -1 })).toThrow(TypeError);
  });
});
