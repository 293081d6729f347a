// The browser page in a real Chromium (Debian's, driven by playwright-core): register, log in, reload after the
// access cookie has expired and stay logged in through the refresh cookie, find no token in localStorage,
// sessionStorage or document.cookie, create an API key, log out; verify the e-mail and reset the password by
// following the links in the outbox — on every demo.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, POLL } from './browser-chromium.js';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';

const screenshots = new URL('../../../.ci/out/', import.meta.url).pathname;

describe.skipIf(!chromiumAvailable).each(FRAMEWORKS)('the browser page on the %s demo', (framework) => {
  let browser: Browser;
  let app: DemoProcess;

  beforeAll(async () => {
    // A 2-second access token: by the reload the browser has dropped the access cookie, so staying logged in
    // can only come from the refresh cookie.
    app = await startDemo(framework, { ACCESS_TOKEN_TTL: '2s' });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('logs in, survives a reload through the refresh cookie, exposes no token to script, and logs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const calls: string[] = [];
    page.on('request', (request) => calls.push(`${request.method()} ${new URL(request.url()).pathname}`));
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await page.goto(app.url);
    await page.fill('#email', `browser-${framework}@example.com`);
    await page.fill('#password', 'a browser says hello twice');
    await page.click('#register');
    await expect.poll(() => page.textContent('#status'), POLL).toContain('Registered');
    await page.click('#login');
    await page.waitForSelector('#signed-in:not([hidden])');
    expect(await page.textContent('#me')).toContain(`browser-${framework}@example.com`);

    const cookies = await context.cookies();
    const names = cookies.map((c) => c.name).sort();
    // The device cookie (login throttling) comes with every password login.
    expect(names).toEqual([
      '__Host-portcullis-access',
      '__Host-portcullis-device',
      '__Host-portcullis-refresh',
    ]);
    for (const cookie of cookies) {
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.secure).toBe(true);
      expect(cookie.path).toBe('/');
    }

    // Let the access cookie expire, then reload: the page must use the refresh cookie.
    await page.waitForTimeout(2500);
    expect((await context.cookies()).map((c) => c.name).sort()).toEqual([
      '__Host-portcullis-device',
      '__Host-portcullis-refresh',
    ]);
    calls.length = 0;
    await page.reload();
    await page.waitForSelector('#signed-in:not([hidden])');
    expect(await page.textContent('#me')).toContain(`browser-${framework}@example.com`);
    expect(calls).toContain('POST /auth/refresh');

    // Evaluated in the page (as text: this file is compiled without the DOM types).
    const exposed = await page.evaluate(
      '({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), cookie: document.cookie })',
    );
    expect(exposed).toEqual({ local: '{}', session: '{}', cookie: '' });

    await page.click('#create-key');
    await page.waitForSelector('#new-key:not([hidden])');
    expect(await page.textContent('#new-key-value')).toMatch(/^pc_live_/);
    await expect.poll(() => page.locator('#keys li').count(), POLL).toBe(1);

    mkdirSync(screenshots, { recursive: true });
    const shot = await page.screenshot({
      path: join(screenshots, `browser-${framework}.png`),
      fullPage: true,
    });
    expect(shot.length).toBeGreaterThan(5000);

    await page.click('#logout');
    await page.waitForSelector('#signed-out:not([hidden])');
    // Logout ends the credentials; the device cookie stays, so this browser is never locked out by strangers.
    expect((await context.cookies()).map((c) => c.name)).toEqual(['__Host-portcullis-device']);
    const me = await page.evaluate("fetch('/me', { credentials: 'same-origin' }).then((r) => r.status)");
    expect(me).toBe(401);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('verifies the e-mail and resets the password through the mailed links, which leave the address bar at once', async () => {
    const address = `links-${framework}@example.com`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    // What reaches the network: a URL without its fragment (which never leaves the browser).
    context.on('request', (request) => requests.push(request.url().split('#')[0]!));
    const pageErrors: string[] = [];
    context.on('weberror', (error) => pageErrors.push(error.error().message));

    await page.goto(app.url);
    await page.fill('#email', address);
    await page.fill('#password', 'the first password of links');
    await page.click('#register');
    await expect.poll(() => page.textContent('#status'), POLL).toContain('Registered');

    // The verification link, opened as a mail client would: in a new tab.
    const [verification] = await app.outbox.waitFor(address, { kind: 'verify-email' });
    const verifyTab = await context.newPage();
    await verifyTab.goto(`${app.url}/#verify-email=${verification!.token}`);
    await expect
      .poll(() => verifyTab.textContent('#status'), POLL)
      .toBe(`E-mail address ${address} verified.`);
    expect(verifyTab.url()).toBe(`${app.url}/`);
    await verifyTab.close();

    await page.fill('#forgot-email', address);
    await page.click('#forgot-send');
    await expect.poll(() => page.textContent('#status'), POLL).toContain('If that address has an account');
    const [reset] = await app.outbox.waitFor(address, { kind: 'reset-password' });
    // This time in the open tab: only the fragment changes, and the page must notice it.
    await page.goto(`${app.url}/#reset-password=${reset!.token}`);
    await page.waitForSelector('#reset-password:not([hidden])');
    expect(page.url()).toBe(`${app.url}/`);
    await page.fill('#reset-new-password', 'short');
    await page.click('#reset-submit');
    await expect.poll(() => page.textContent('#status'), POLL).toContain('Choose another password');
    await page.fill('#reset-new-password', 'the second password of links');
    await page.click('#reset-submit');
    await expect.poll(() => page.textContent('#status'), POLL).toContain('Password changed');
    await page.waitForSelector('#reset-password[hidden]', { state: 'attached' });

    await page.fill('#password', 'the first password of links');
    await page.click('#login');
    await expect.poll(() => page.textContent('#status'), POLL).toContain('Log in failed');
    await page.fill('#password', 'the second password of links');
    await page.click('#login');
    await page.waitForSelector('#signed-in:not([hidden])');
    expect(JSON.parse((await page.textContent('#me'))!)).toMatchObject({
      email: address,
      email_verified: true,
    });
    expect(await page.textContent('#verified-state')).toBe('E-mail verified.');
    expect(await page.isHidden('#resend-verification')).toBe(true);

    // No request ever carried a token in its URL, and the address bar holds none.
    for (const token of [verification!.token!, reset!.token!])
      expect(requests.filter((url) => url.includes(token))).toEqual([]);
    expect(await page.evaluate('location.hash')).toBe('');
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);
});
