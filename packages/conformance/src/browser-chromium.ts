// Debian's Chromium, driven by playwright-core, for the browser tests (browser*.test.ts): skipped with a warning
// where it is not installed, except on CI, where a missing browser fails the run.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) {
  if (process.env['CI'] === 'true')
    throw new Error(`Chromium not found at ${CHROMIUM}, and CI=true: the browser test must run`);
  console.warn(
    `[portcullis] skipping the browser test: Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`,
  );
}

/**
 * For expect.poll on what the page shows after a request: a password hash (register, login, reset) can take
 * seconds on a busy machine running several demos and browsers — far more than expect.poll's default 1 s.
 */
export const POLL = { timeout: 15_000 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
