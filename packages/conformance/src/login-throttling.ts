// The contract's "Login throttling" (v2): failures per (e-mail, address), per e-mail from all addresses
// (LOGIN_MAX_FAILURES_PER_ACCOUNT, 10 in this suite) and per address, and the device cookie that keeps the
// owner's browser out of a lockout strangers cause. Registered inside contract.test.ts's framework × storage
// matrix, so that it runs against the same demo processes.
import { expect, it } from 'vitest';
import { createClient, freshClientAddress } from './client.js';
import type { ContractTarget } from './contract-steps.js';
import { contractSteps } from './contract-steps.js';
import { email } from './fixtures.js';
import { expectError } from './reply-expectations.js';

export const DEVICE = '__Host-portcullis-device';
/** `LOGIN_MAX_FAILURES_PER_ACCOUNT` of the suite's demos: low, so that an attack takes few requests. */
export const MAX_FAILURES_PER_ACCOUNT = 10;

export function loginThrottlingTests(enabled: boolean, target: () => ContractTarget) {
  const test = it.skipIf(!enabled);
  /** A client sending from a loopback address of its own. */
  const from = () => createClient(target().app.url, { localAddress: freshClientAddress() });
  const login = (client: ReturnType<typeof from>, address: string, password: string, cookie?: string) =>
    client('POST', '/auth/login', {
      body: { email: address, password },
      headers: cookie === undefined ? {} : { cookie },
    });

  test('every password login sets the device cookie (HttpOnly, Secure, SameSite=Strict, 180 days); logout keeps it', async () => {
    const { password } = target();
    const { post, signIn } = contractSteps(target());
    const user = await signIn(email('device'));
    const again = await post('/auth/login', { email: user.email, password });
    const line = again.setCookies.find((c) => c.startsWith(`${DEVICE}=`));
    expect(line).toMatch(/; Max-Age=15552000; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(line!.toLowerCase()).not.toContain('domain=');
    expect(again.cookie(DEVICE)).not.toContain(user.email.split('@')[0]!);
    const session = await post('/auth/session', { email: user.email, password });
    expect(session.cookie(DEVICE)).toBeDefined();
    const out = await post('/auth/logout', undefined, user.bearer);
    expect(out.setCookies.some((c) => c.startsWith(`${DEVICE}=`))).toBe(false);
  });

  test('failures count per (e-mail, address): 429 from the guessing address, another address unaffected', async () => {
    const { password } = target();
    const { signIn } = contractSteps(target());
    const user = await signIn(email('pair'));
    const guesser = from();
    for (let i = 0; i < 5; i++)
      expectError(await login(guesser, user.email, `wrong guess ${i} here`), 401, 'invalid_credentials');
    const blocked = await login(guesser, user.email, password);
    expectError(blocked, 429, 'rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(from(), user.email, password)).status).toBe(200);
  });

  test('attack: strangers failing from many addresses lock every browser out but the owner’s (device cookie)', async () => {
    const { password } = target();
    const { signIn } = contractSteps(target());
    const owner = await signIn(email('owner'));
    const earned = await login(from(), owner.email, password);
    const device = `${DEVICE}=${earned.cookie(DEVICE)}`;
    // Strangers use up the account's allowance, five guesses from each of two addresses.
    for (let n = 0; n < MAX_FAILURES_PER_ACCOUNT / 5; n++) {
      const stranger = from();
      for (let i = 0; i < 5; i++)
        expect((await login(stranger, owner.email, `stranger ${n} ${i}`)).status).toBe(401);
    }
    // Any other browser is refused now, the right password included…
    expectError(await login(from(), owner.email, password), 429, 'rate_limited');
    // …the owner's browser is not, from wherever it comes…
    expect((await login(from(), owner.email, password, device)).status).toBe(200);
    // …and another account's device cookie does not open this one.
    const other = await signIn(email('other'));
    const foreign = await login(from(), other.email, password);
    expectError(
      await login(from(), owner.email, password, `${DEVICE}=${foreign.cookie(DEVICE)}`),
      429,
      'rate_limited',
    );
  });
}
