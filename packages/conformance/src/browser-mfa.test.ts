// Second factors on the browser page in a real Chromium, on every demo: enrol an authenticator app (the code
// computed here from the secret the page shows), log in again with password + code, then with a recovery
// code; add a passkey with Chromium's virtual authenticator (CDP WebAuthn domain), sign in with it alone, and
// use it as a password login's second step.
//
// The demos run on HOST=localhost, not 127.0.0.1: Chromium refuses an IP address as WebAuthn RP ID
// ("SecurityError: This is an invalid domain"), and the RP ID is APP_ORIGIN's host name. http://localhost is
// a secure context, so WebAuthn and the Secure __Host- cookies work over plain HTTP, as on 127.0.0.1.

import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, POLL } from './browser-chromium.js';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';

const RECOVERY_CODE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/** Script errors and CSP violations of a page (the QR code must not need a relaxed CSP). */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  return problems;
}

async function cookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((cookie) => cookie.name).sort();
}

/** The claims of the access token in the (HttpOnly) access cookie: read here, never by the page. */
async function accessClaims(context: BrowserContext): Promise<Record<string, unknown>> {
  const access = (await context.cookies()).find((cookie) => cookie.name === '__Host-portcullis-access');
  expect(access).toBeDefined();
  return JSON.parse(Buffer.from(access!.value.split('.')[1]!, 'base64url').toString('utf8'));
}

async function registerAndLogIn(page: Page, email: string, password: string): Promise<void> {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#register');
  await expect.poll(() => page.textContent('#status'), POLL).toContain('Registered');
  await page.click('#login');
  await page.waitForSelector('#signed-in:not([hidden])');
}

async function logOut(page: Page): Promise<void> {
  await page.click('#logout');
  await page.waitForSelector('#signed-out:not([hidden])');
}

/** A password login that the page answers with its second step. */
async function passwordStep(page: Page, email: string, password: string): Promise<void> {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#login');
  await page.waitForSelector('#second-step:not([hidden])');
  expect(await page.isHidden('#signed-out')).toBe(true);
}

describe.skipIf(!chromiumAvailable).each(FRAMEWORKS)(
  'second factors on the browser page of the %s demo',
  (framework) => {
    let browser: Browser;
    let app: DemoProcess;

    beforeAll(async () => {
      app = await startDemo(framework, { HOST: 'localhost' });
      expect(new URL(app.url).hostname).toBe('localhost');
      browser = await launchChromium();
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    it('enrols an authenticator app, then logs in with password + code, and with a recovery code once', async () => {
      const email = `totp-${framework}@example.com`;
      const password = 'an app that counts to thirty';
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(app.url);
      await registerAndLogIn(page, email, password);
      await expect.poll(() => page.textContent('#mfa-state'), POLL).toMatch(/^Authenticator app: off\./);

      await page.click('#totp-start');
      await page.waitForSelector('#totp-enrol:not([hidden])');
      const secret = (await page.textContent('#totp-secret'))!;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      // The QR code is drawn as SVG nodes in the page (the CSP allows no data: image).
      const qr = await page.locator('#totp-qr svg').boundingBox();
      expect(qr?.width).toBeGreaterThan(100);
      expect(await page.locator('#totp-qr svg path').count()).toBeGreaterThan(0);

      const totp = new TOTP({ secret: Secret.fromBase32(secret) });
      const enrolmentCode = totp.generate();
      await page.fill('#totp-code', enrolmentCode);
      await page.click('#totp-confirm');
      await page.waitForSelector('#recovery-codes:not([hidden])');
      const recoveryCodes = await page.locator('#recovery-codes-list li').allTextContents();
      expect(recoveryCodes).toHaveLength(10);
      for (const code of recoveryCodes) expect(code).toMatch(RECOVERY_CODE);
      expect(await page.isHidden('#totp-enrol')).toBe(true);
      await expect
        .poll(() => page.textContent('#mfa-state'), POLL)
        .toBe('Authenticator app: on. Passkeys: 0. Recovery codes left: 10.');

      await logOut(page);
      expect(await page.isHidden('#recovery-codes')).toBe(true);
      await passwordStep(page, email, password);
      // No credential before the second step: only the device cookie (kept since the first login).
      expect(await cookieNames(context)).toEqual(['__Host-portcullis-device']);
      // The enrolment's code is spent (its step is used): refused, and the sign-in stays pending.
      await page.fill('#mfa-code', enrolmentCode);
      await page.click('#mfa-verify');
      await expect.poll(() => page.textContent('#status'), POLL).toMatch(/^Not accepted: /);
      expect(await page.isVisible('#second-step')).toBe(true);
      // The next step's code: within the one step either side that the server allows, and newer than the
      // spent one — valid at once, whichever side of a step boundary this runs.
      await page.fill('#mfa-code', totp.generate({ timestamp: Date.now() + 30_000 }));
      await page.click('#mfa-verify');
      await page.waitForSelector('#signed-in:not([hidden])');
      expect(await page.isHidden('#second-step')).toBe(true);
      expect(JSON.parse((await page.textContent('#me'))!)).toMatchObject({ email });
      expect(await cookieNames(context)).toEqual([
        '__Host-portcullis-access',
        '__Host-portcullis-device',
        '__Host-portcullis-refresh',
      ]);
      expect(await accessClaims(context)).toMatchObject({
        amr: ['pwd', 'otp'],
        acr: 'urn:portcullis:acr:mfa',
      });

      // A recovery code instead of the app's code: works once.
      await logOut(page);
      await passwordStep(page, email, password);
      await page.click('#mfa-use-recovery');
      await page.fill('#mfa-recovery-code', recoveryCodes[0]!);
      await page.click('#mfa-verify');
      await page.waitForSelector('#signed-in:not([hidden])');
      await expect
        .poll(() => page.textContent('#mfa-state'), POLL)
        .toBe('Authenticator app: on. Passkeys: 0. Recovery codes left: 9.');
      await logOut(page);
      await passwordStep(page, email, password);
      await page.click('#mfa-use-recovery');
      await page.fill('#mfa-recovery-code', recoveryCodes[0]!);
      await page.click('#mfa-verify');
      await expect.poll(() => page.textContent('#status'), POLL).toMatch(/^Not accepted: /);
      await page.click('#mfa-cancel');
      await page.waitForSelector('#signed-out:not([hidden])');
      expect(await page.isHidden('#second-step')).toBe(true);

      const exposed = await page.evaluate(
        '({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), cookie: document.cookie })',
      );
      expect(exposed).toEqual({ local: '{}', session: '{}', cookie: '' });
      expect(problems).toEqual([]);
      await context.close();
    }, 60_000);

    it('adds a passkey (virtual authenticator), signs in with it alone, and uses it as the second step', async () => {
      const email = `passkey-${framework}@example.com`;
      const password = 'a key that lives in a virtual chip';
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = watchProblems(page);
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      const credentials = async () =>
        (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;

      await page.goto(app.url);
      await registerAndLogIn(page, email, password);
      await page.fill('#passkey-name', 'Virtual chip');
      const registered = page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/passkeys/register');
      await page.click('#passkey-add');
      expect((await registered).status()).toBe(201);
      await expect
        .poll(() => page.locator('#passkeys li').allTextContents(), POLL)
        .toEqual([expect.stringMatching(/^Virtual chip — added /)]);
      await expect.poll(() => page.textContent('#mfa-state'), POLL).toContain('Passkeys: 1.');
      expect(await credentials()).toHaveLength(1);

      await logOut(page);
      const passwordless = page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/passkeys/login');
      await page.click('#passkey-login');
      expect((await passwordless).status()).toBe(200);
      await page.waitForSelector('#signed-in:not([hidden])');
      expect(await page.textContent('#status')).toBe('Logged in with a passkey.');
      expect(JSON.parse((await page.textContent('#me'))!)).toMatchObject({ email });
      expect(await accessClaims(context)).toMatchObject({ amr: ['hwk', 'user'] });
      // The challenge's cookie is gone with the ceremony.
      expect(await cookieNames(context)).not.toContain('__Host-portcullis-webauthn');
      const [afterPasswordless] = await credentials();
      expect(afterPasswordless).toMatchObject({ rpId: 'localhost', isResidentCredential: true });
      expect(afterPasswordless!.signCount).toBeGreaterThanOrEqual(1);

      // A password login of this account now needs a second step: the passkey gives it.
      await logOut(page);
      await passwordStep(page, email, password);
      expect(await page.isVisible('#mfa-passkey')).toBe(true);
      await page.click('#mfa-passkey');
      await page.waitForSelector('#signed-in:not([hidden])');
      expect(await accessClaims(context)).toMatchObject({ amr: ['pwd', 'hwk', 'user'] });
      const [afterSecondStep] = await credentials();
      expect(afterSecondStep!.signCount).toBeGreaterThan(afterPasswordless!.signCount);
      expect(problems).toEqual([]);
      await context.close();
    }, 60_000);
  },
);
