import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { failingFactory, recordingFactory, sharedKeyspaceFactory } from '../testing/limiters.js';
import { createLoginThrottle, type LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';

const START = new Date('2030-01-01T00:00:00Z');
const MINUTE = 60_000;

/** A login handler as an adapter writes it: only alice@example.com exists, her password is "right". */
async function login(
  throttle: LoginThrottle,
  email: string,
  password: string,
  ip = '203.0.113.7',
  device?: string,
) {
  try {
    await throttle.attempt({ email, ip, device });
    const known = email.trim().toLowerCase() === 'alice@example.com';
    if (!known || password !== 'right') {
      throw new AuthError('invalid_credentials', 'Invalid e-mail or password');
    }
    await throttle.recordSuccess({ email, ip, device });
    return { status: 200 } as const;
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    return { status: error.status, code: error.code, retryAfter: error.retryAfter, reason: error.reason };
  }
}

async function fail(throttle: LoginThrottle, times: number, email = 'alice@example.com', ip?: string) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await login(throttle, email, 'wrong', ip)).status);
  return statuses;
}

function throttleWith(options: LoginThrottleOptions = {}) {
  return createLoginThrottle(options);
}

describe('login throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers exactly 5 failures with 401, then 429 rate_limited with Retry-After = the rest of the window', async () => {
    const throttle = throttleWith();
    for (let i = 0; i < 5; i++) {
      expect((await login(throttle, 'alice@example.com', 'wrong')).status).toBe(401);
      vi.advanceTimersByTime(MINUTE);
    }
    // Window began with the first failure at 0:00; it is now 0:05, so 10 minutes remain.
    const sixth = await login(throttle, 'alice@example.com', 'wrong');
    expect(sixth).toEqual({ status: 429, code: 'rate_limited', retryAfter: 600, reason: 'pair_blocked' });
  });

  it('answers 429 even to the right password while blocked, with a shrinking Retry-After', async () => {
    const throttle = throttleWith();
    expect(await fail(throttle, 5)).toEqual([401, 401, 401, 401, 401]);
    expect((await login(throttle, 'alice@example.com', 'right')).retryAfter).toBe(900);
    vi.advanceTimersByTime(14 * MINUTE + 30_000);
    expect(await login(throttle, 'alice@example.com', 'right')).toMatchObject({
      status: 429,
      retryAfter: 30,
    });
  });

  it('allows the e-mail again once the window has passed, with a fresh count', async () => {
    const throttle = throttleWith();
    await fail(throttle, 5);
    vi.advanceTimersByTime(15 * MINUTE - 1);
    expect((await login(throttle, 'alice@example.com', 'right')).status).toBe(429);
    vi.advanceTimersByTime(1);
    expect((await login(throttle, 'alice@example.com', 'right')).status).toBe(200);
    expect(await fail(throttle, 6)).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('does not extend the window with attempts made while blocked', async () => {
    const throttle = throttleWith();
    await fail(throttle, 5);
    for (let minute = 1; minute < 15; minute++) {
      vi.advanceTimersByTime(MINUTE);
      expect((await login(throttle, 'alice@example.com', 'right')).status).toBe(429);
    }
    vi.advanceTimersByTime(MINUTE);
    expect((await login(throttle, 'alice@example.com', 'right')).status).toBe(200);
  });

  it('counts differently-spelled forms of one e-mail together', async () => {
    const throttle = throttleWith();
    const spellings = [
      '  Alice@Example.COM ',
      'alice@example.com',
      'ALICE@EXAMPLE.COM',
      '\tAlice@example.com\n',
    ];
    const statuses = [];
    for (const spelling of [...spellings, 'alice@example.com', 'Alice@Example.com']) {
      statuses.push((await login(throttle, spelling, 'wrong')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Full-width letters (NFKC) are the same address too.
    expect((await login(throttle, 'ａｌｉｃｅ@example.com', 'right')).status).toBe(429);
    expect((await login(throttle, 'bob@example.com', 'wrong')).status).toBe(401);
  });

  it('counts unknown e-mails too, and answers them exactly like known ones', async () => {
    const throttle = throttleWith();
    expect(await fail(throttle, 6, 'nobody@example.com')).toEqual([401, 401, 401, 401, 401, 429]);
    const unknown = await login(throttle, 'nobody@example.com', 'right');
    await fail(throttle, 5, 'alice@example.com');
    const known = await login(throttle, 'alice@example.com', 'right');
    expect(unknown).toEqual(known);
  });

  it('limits one address across many e-mails, without touching other addresses', async () => {
    const throttle = throttleWith();
    for (let i = 0; i < 100; i++) {
      expect((await login(throttle, `victim${i}@example.com`, 'wrong', '198.51.100.1')).status).toBe(401);
    }
    expect(await login(throttle, 'fresh@example.com', 'wrong', '198.51.100.1')).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfter: 900,
      reason: 'ip_blocked',
    });
    expect((await login(throttle, 'alice@example.com', 'right', '198.51.100.1')).status).toBe(429);
    expect((await login(throttle, 'alice@example.com', 'right', '198.51.100.2')).status).toBe(200);
  });

  it('does not count an attempt refused for the address against the e-mail (and vice versa)', async () => {
    const throttle = throttleWith({ maxFailuresPerIp: 2, maxFailuresPerAccount: 7 });
    await fail(throttle, 2, 'x@example.com', '198.51.100.1');
    // Refused by the address: alice's own counts must not move.
    expect(await fail(throttle, 10, 'alice@example.com', '198.51.100.1')).toEqual(Array(10).fill(429));
    expect(await fail(throttle, 2, 'alice@example.com', '198.51.100.2')).toEqual([401, 401]);
    expect(await fail(throttle, 2, 'alice@example.com', '198.51.100.3')).toEqual([401, 401]);
    expect(await fail(throttle, 2, 'alice@example.com', '198.51.100.5')).toEqual([401, 401]);
    expect(await fail(throttle, 2, 'alice@example.com', '198.51.100.6')).toEqual([401, 429]);
    // Refused by the account: address .4 keeps both of its failures for other e-mails.
    expect(await fail(throttle, 5, 'alice@example.com', '198.51.100.4')).toEqual(Array(5).fill(429));
    expect(await fail(throttle, 3, 'y@example.com', '198.51.100.4')).toEqual([401, 401, 429]);
  });

  it('reports the later of the windows when several limits are hit', async () => {
    const throttle = throttleWith({ maxFailuresPerIp: 6 });
    await fail(throttle, 1, 'x@example.com', '198.51.100.1');
    vi.advanceTimersByTime(5 * MINUTE);
    await fail(throttle, 5, 'alice@example.com', '198.51.100.1');
    vi.advanceTimersByTime(MINUTE);
    // Address window ends at 0:15, the (e-mail, address) window (began 0:05) at 0:20. It is 0:06.
    expect(await login(throttle, 'alice@example.com', 'right', '198.51.100.1')).toMatchObject({
      status: 429,
      retryAfter: 14 * 60,
    });
  });

  it('counts an e-mail per address: five failures from one address do not lock out another', async () => {
    const throttle = throttleWith();
    expect(await fail(throttle, 6, 'alice@example.com', '198.51.100.1')).toEqual([
      401, 401, 401, 401, 401, 429,
    ]);
    expect((await login(throttle, 'alice@example.com', 'right', '198.51.100.2')).status).toBe(200);
  });

  it('stops a guesser spread over many addresses at maxFailuresPerAccount', async () => {
    const throttle = throttleWith({ maxFailuresPerAccount: 10 });
    for (let i = 1; i <= 10; i++)
      expect(await fail(throttle, 1, 'alice@example.com', `192.0.2.${i}`)).toEqual([401]);
    expect(await login(throttle, 'alice@example.com', 'right', '192.0.2.99')).toMatchObject({
      status: 429,
      reason: 'account_blocked',
    });
  });

  it('never locks the owner out of a browser holding the account’s device cookie (lockout abuse)', async () => {
    const throttle = throttleWith({ maxFailuresPerAccount: 50 });
    // Strangers exhaust the account's allowance from ten addresses…
    for (let i = 1; i <= 10; i++) await fail(throttle, 5, 'alice@example.com', `192.0.2.${i}`);
    expect((await login(throttle, 'alice@example.com', 'right', '198.51.100.7')).status).toBe(429);
    // …the owner's browser with its device cookie still logs in, from any address.
    expect((await login(throttle, 'alice@example.com', 'right', '198.51.100.7', 'owner-device')).status).toBe(
      200,
    );
    // Without it, the same address stays refused.
    expect(await fail(throttle, 1, 'alice@example.com', '198.51.100.7')).toEqual([429]);
  });

  it('refuses a device cookie that keeps failing (a stolen one) like any stranger', async () => {
    const throttle = throttleWith({ maxFailuresPerAccount: 5 });
    for (let i = 1; i <= 5; i++)
      await login(throttle, 'alice@example.com', 'wrong', `192.0.2.${i}`, 'stolen');
    expect(await login(throttle, 'alice@example.com', 'right', '192.0.2.50', 'stolen')).toMatchObject({
      status: 429,
      reason: 'device_blocked',
    });
    expect((await login(throttle, 'alice@example.com', 'right', '192.0.2.51', 'owner-device')).status).toBe(
      200,
    );
  });

  it('takes back an attempt that never reached a verdict (a busy server locks nobody out)', async () => {
    const throttle = throttleWith({ maxFailures: 2 });
    for (let i = 0; i < 5; i++) {
      await throttle.attempt({ email: 'alice@example.com', ip: '192.0.2.1' });
      await throttle.refund({ email: 'alice@example.com', ip: '192.0.2.1' });
    }
    expect(await fail(throttle, 3, 'alice@example.com', '192.0.2.1')).toEqual([401, 401, 429]);
  });

  it('clears the e-mail count on success, so earlier typos do not shorten the next allowance', async () => {
    const throttle = throttleWith();
    expect(await fail(throttle, 4)).toEqual([401, 401, 401, 401]);
    expect((await login(throttle, 'alice@example.com', 'right')).status).toBe(200);
    expect(await fail(throttle, 6)).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('takes only the successful attempt back from the address count', async () => {
    const throttle = throttleWith({ maxFailuresPerIp: 3 });
    await fail(throttle, 2, 'x@example.com');
    for (let i = 0; i < 10; i++)
      expect((await login(throttle, 'alice@example.com', 'right')).status).toBe(200);
    expect(await fail(throttle, 2, 'y@example.com')).toEqual([401, 429]);
  });

  it('lets at most 5 of a parallel burst of guesses through to the password check', async () => {
    const throttle = throttleWith();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => login(throttle, 'alice@example.com', 'wrong')),
    );
    expect(outcomes.filter((o) => o.status === 401)).toHaveLength(5);
    expect(outcomes.filter((o) => o.status === 429)).toHaveLength(45);
  });

  it('counts an IPv6 client per /64 network, and an IPv4-mapped address as its IPv4 address', async () => {
    const throttle = throttleWith({ maxFailuresPerIp: 2 });
    await fail(throttle, 1, 'a@example.com', '2001:db8:1:2::1');
    await fail(throttle, 1, 'b@example.com', '2001:db8:1:2:ffff:ffff:ffff:ffff');
    expect(await fail(throttle, 1, 'c@example.com', '2001:DB8:1:2:abcd::9')).toEqual([429]);
    expect(await fail(throttle, 1, 'c@example.com', '2001:db8:1:3::1')).toEqual([401]);
    await fail(throttle, 2, 'd@example.com', '::ffff:192.0.2.1');
    expect(await fail(throttle, 1, 'e@example.com', '192.0.2.1')).toEqual([429]);
  });

  it('keeps e-mail and address counters apart even in one shared keyspace', async () => {
    const { factory, keys } = sharedKeyspaceFactory();
    const throttle = throttleWith({ maxFailures: 5, maxFailuresPerIp: 5, limiterFactory: factory });
    // An "e-mail" spelled like an address, failed from five other addresses…
    for (let i = 1; i <= 5; i++) await fail(throttle, 1, '198.51.100.1', `192.0.2.${i}`);
    // …leaves the real address 198.51.100.1 untouched.
    expect((await login(throttle, 'alice@example.com', 'right', '198.51.100.1')).status).toBe(200);
    expect(keys().every((key) => /^portcullis:login:(pair|account|ip):[\w-]{22}$/.test(key))).toBe(true);
  });

  it('stores hashed keys of bounded size, never the e-mail or address', async () => {
    const { factory, built } = recordingFactory();
    const throttle = throttleWith({ limiterFactory: factory });
    await fail(throttle, 1, `${'a'.repeat(100_000)}@example.com`, '198.51.100.77');
    const dumped = [...built.values()].flatMap((limiter) =>
      limiter.dump().storage.map((entry) => String(entry.key)),
    );
    expect(dumped).toHaveLength(3);
    for (const key of dumped) {
      expect(key).toMatch(/^[\w-]{22}$/);
    }
    expect([...built.keys()]).toEqual([
      'portcullis:login:pair',
      'portcullis:login:account',
      'portcullis:login:ip',
      'portcullis:login:device',
    ]);
  });

  it('forgets every counter when its window ends (memory stays bounded)', async () => {
    const { factory, built } = recordingFactory();
    const throttle = throttleWith({ limiterFactory: factory });
    for (let i = 0; i < 50; i++) await fail(throttle, 1, `spray${i}@example.com`, `192.0.2.${i}`);
    const sizes = () => [...built.values()].map((limiter) => limiter.dump().storage.length);
    expect(sizes()).toEqual([50, 50, 50, 0]);
    vi.advanceTimersByTime(15 * MINUTE);
    expect(sizes()).toEqual([0, 0, 0, 0]);
  });

  it('honours custom limits, window and key prefix', async () => {
    const { factory, built } = recordingFactory();
    const throttle = throttleWith({
      maxFailures: 2,
      window: 60,
      keyPrefix: 'app:login',
      limiterFactory: factory,
    });
    expect(await fail(throttle, 3)).toEqual([401, 401, 429]);
    expect((await login(throttle, 'alice@example.com', 'right')).retryAfter).toBe(60);
    vi.advanceTimersByTime(MINUTE);
    expect((await login(throttle, 'alice@example.com', 'right')).status).toBe(200);
    expect([...built.keys()]).toEqual([
      'app:login:pair',
      'app:login:account',
      'app:login:ip',
      'app:login:device',
    ]);
    const ip = built.get('app:login:ip')!;
    expect([ip.points, ip.duration]).toEqual([100, 60]);
  });

  describe('when the counter store fails', () => {
    it('refuses the attempt with 503 before the password is checked (fail closed)', async () => {
      const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');
      const throttle = throttleWith({ limiterFactory: failingFactory(cause, ['consume']) });
      const error = await throttle
        .attempt({ email: 'alice@example.com', ip: '192.0.2.1' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({
        code: 'temporarily_unavailable',
        status: 503,
        retryAfter: 1,
        reason: 'store_unavailable',
        cause,
      });
      expect((error as AuthError).message).not.toContain('ECONNREFUSED');
    });

    it.each([
      ['a string', 'timeout'],
      ['undefined', undefined],
      ['an object that is not a RateLimiterRes', { msBeforeNext: 'soon' }],
    ])('treats a rejection with %s as a store failure too', async (_what, reason) => {
      const throttle = throttleWith({ limiterFactory: failingFactory(reason, ['consume']) });
      await expect(throttle.attempt({ email: 'a@example.com', ip: '192.0.2.1' })).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
    });

    it('answers 503 when clearing the count after a success fails', async () => {
      const throttle = throttleWith({
        limiterFactory: failingFactory(new Error('down'), ['delete', 'reward']),
      });
      await throttle.attempt({ email: 'alice@example.com', ip: '192.0.2.1' });
      await expect(
        throttle.recordSuccess({ email: 'alice@example.com', ip: '192.0.2.1' }),
      ).rejects.toMatchObject({
        code: 'temporarily_unavailable',
        status: 503,
      });
    });

    it('answers 503 rather than 429 when the refund of a refused attempt fails', async () => {
      const throttle = throttleWith({
        maxFailuresPerIp: 1,
        limiterFactory: failingFactory(new Error('down'), ['reward']),
      });
      await fail(throttle, 1, 'x@example.com', '192.0.2.1');
      await expect(throttle.attempt({ email: 'y@example.com', ip: '192.0.2.1' })).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
    });
  });

  it.each<[string, LoginThrottleOptions]>([
    ['maxFailures 0', { maxFailures: 0 }],
    ['maxFailures 2.5', { maxFailures: 2.5 }],
    ['maxFailuresPerAccount 0', { maxFailuresPerAccount: 0 }],
    ['maxFailuresPerDevice 1.5', { maxFailuresPerDevice: 1.5 }],
    ['maxFailuresPerIp -1', { maxFailuresPerIp: -1 }],
    ['window "15 minutes"', { window: '15 minutes' }],
    ['window 0', { window: 0 }],
    ['window 0.5', { window: 0.5 }],
    ['keyPrefix ""', { keyPrefix: '' }],
    ['ipv6Subnet 0', { ipv6Subnet: 0 }],
    ['ipv6Subnet 129', { ipv6Subnet: 129 }],
    ['limiterFactory not a function', { limiterFactory: 'redis' as never }],
    ['limiterFactory returning nothing', { limiterFactory: (() => undefined) as never }],
  ])('refuses %s at creation with a TypeError', (_name, options) => {
    expect(() => createLoginThrottle(options)).toThrow(TypeError);
  });
});
